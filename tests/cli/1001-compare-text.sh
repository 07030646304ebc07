#!/bin/sh
# `compare` text output, Unicode and ASCII, on the teaching catalog.
. "$(dirname "$0")/lib.sh"
golden 1001-compare.out $SCALELAB compare
golden 1001-compare-ascii.out $SCALELAB compare --ascii 1k 100k 1m
# ASCII mode prints only ASCII bytes
$SCALELAB compare --ascii | LC_ALL=C grep -q '[^ -~]' && fail "--ascii printed non-ASCII"
finish
