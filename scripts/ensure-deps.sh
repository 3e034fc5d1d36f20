#!/usr/bin/env bash
# Runs before `npm test`: makes sure what the tests talk to is there — Debian's Chromium for the
# browser tests, and the local PostgreSQL and NATS JetStream servers of the scale-out tests.
# Installs/starts them only when it can (root on Debian); otherwise says what is missing.
set -u
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-deps: installing Debian chromium for the browser tests" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
      echo "ensure-deps: could not install chromium" >&2
  else
    echo "ensure-deps: chromium is missing (apt-get install chromium)" >&2
  fi
fi
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! port_open 5432 && command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >&2 || true
fi
if ! port_open 4222 && [ -x /usr/sbin/nats-server ]; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log >&2 || true
  sleep 1
fi
exit 0
