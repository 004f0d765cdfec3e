#!/usr/bin/env bash
# Install Debian's prometheus package for its promtool and prometheus-alertmanager for its
# amtool, for the tests that run `promtool check metrics|rules`, `promtool test rules` and
# `amtool check-config` (see scripts/apt-install.sh: idempotent; a failed install fails CI).
exec bash "$(dirname "$0")/apt-install.sh" promtool "promtool amtool" prometheus prometheus-alertmanager
