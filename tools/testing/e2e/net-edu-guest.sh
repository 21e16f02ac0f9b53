#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The nested (L2) guest's program when its VM has a VF and an edu device
# (suite multi-device): net-guest.sh and edu_guest side by side, each as
# it runs alone, their console lines mixed.  The console's "GO" reaches
# both.  Kernel command line: net-guest.sh's and edu_guest's.
mkfifo /tmp/net.in /tmp/edu.in
net-guest.sh </tmp/net.in &
net=$!
edu_guest </tmp/edu.in &
edu=$!
# Held open: a reader sees no end of file before GO.
exec 3>/tmp/net.in 4>/tmp/edu.in
while read -r cmd; do
	[ "$cmd" = GO ] && break
done
echo GO >&3
echo GO >&4
wait "$net"
rn=$?
wait "$edu"
re=$?
echo "L2: net-guest.sh exited with $rn, edu_guest with $re"
[ "$rn" = 0 ] && [ "$re" = 0 ]
