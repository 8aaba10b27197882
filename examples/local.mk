# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Examples (owner: tables).  flow_replay replays a flow trace through a
# persistent-NAT table and prints the counters:
#   examples/flow_replay -v $(srcdir)/examples/flows.trace
noinst_PROGRAMS += examples/flow_replay
examples_flow_replay_SOURCES = examples/flow_replay.c
examples_flow_replay_LDADD = lib/libsnatpool.la
EXTRA_DIST += examples/flows.trace
TESTS += tests/table_example.sh
EXTRA_DIST += tests/table_example.sh
