#!/usr/bin/env bash
# Plots a run's train_log.jsonl (loss, smoothed loss, learning rate) to a PNG with gnuplot and jq.
#   Documentation~/scripts/plot-training-loss.sh runs/mine/train_log.jsonl loss.png "mine: min-SNR-5 weighted MSE on v"
# (apt-get install gnuplot-nox jq). The training panel draws the same charts live; this is for model cards.
set -euo pipefail
log="${1:?usage: plot-training-loss.sh <train_log.jsonl> <out.png> [title]}"
out="${2:?usage: plot-training-loss.sh <train_log.jsonl> <out.png> [title]}"
title="${3:-training loss and learning rate}"
data="$(mktemp)"
trap 'rm -f "$data"' EXIT
jq -r '[.step, .loss, .loss_smoothed, .lr] | @tsv' "$log" > "$data"
gnuplot <<GP
set terminal pngcairo size 900,420 font "sans,10"
set output "$out"
set title "$title"
set xlabel "step"
set ylabel "loss"
set logscale y
set format y "%g"
set y2label "learning rate"
set y2tics
set ytics nomirror
set key top right
set grid ytics lc rgb "#dddddd"
plot "$data" using 1:2 with lines lc rgb "#bbbbbb" title "loss (every logged step)", \
     "$data" using 1:3 with lines lw 2 lc rgb "#1f77b4" title "smoothed", \
     "$data" using 1:4 axes x1y2 with lines lw 2 lc rgb "#d62728" title "learning rate"
GP
echo "wrote $out"
