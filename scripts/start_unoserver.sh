#!/bin/sh
# Start LibreOffice's unoserver (PDF/A conversion) in the background if it is not already running.
#
# Idempotent: exits 0 at once when a unoserver answers on the port. A unoserver whose process is
# alive but does not answer (hung LibreOffice) is stopped and replaced. The documents worker runs
# this script to bring back a crashed or hung LibreOffice (settings.UNOSERVER_RESTART_COMMAND).
#
# The server needs Debian's python3-uno, which belongs to /usr/bin/python3, not to the app's
# Python 3.12; it runs from var/unoserver-venv (made with --system-site-packages).
#
# Environment: UNOSERVER_PORT (derived from the checkout's path, see below), UNOSERVER_UNO_PORT (port - 1), UNOSERVER_CONVERSION_TIMEOUT
# (60 s), UNOSERVER_STOP_AFTER (500 conversions, then LibreOffice is restarted fresh),
# STELLWERK_VAR_DIR (var/). Exit codes: 0 running, 3 LibreOffice missing, 1 failed to start.
# Options: --restart (stop whatever runs on the port, start fresh), --stop, --port (print it),
# --foreground (run unoserver in the foreground under a supervisor: systemd or the Procfile,
# which restart it).
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
VAR=${STELLWERK_VAR_DIR:-$ROOT/var}
# Default: a port of this checkout's own, derived from its path exactly as config/settings.py
# does, so that clones on one machine do not share (and restart) one LibreOffice.
checkout_port() {
    /usr/bin/python3 -c 'import sys, zlib; print(20000 + zlib.crc32(sys.argv[1].encode()) % 5000 * 2)' \
        "$ROOT" 2>/dev/null || echo 2003
}
PORT=${UNOSERVER_PORT:-$(checkout_port)}
if [ "${1:-}" = "--port" ]; then echo "$PORT"; exit 0; fi
UNO_PORT=${UNOSERVER_UNO_PORT:-$((PORT - 1))}
TIMEOUT=${UNOSERVER_CONVERSION_TIMEOUT:-60}
STOP_AFTER=${UNOSERVER_STOP_AFTER:-500}
VENV=$VAR/unoserver-venv
PIDFILE=$VAR/unoserver-$PORT.pid
LOG=$VAR/unoserver-$PORT.log
SYSTEM_PYTHON=/usr/bin/python3

if ! command -v soffice >/dev/null 2>&1; then
    echo "LibreOffice ist nicht installiert: Dokumente werden nur als Word-Datei (.docx) erstellt," >&2
    echo "ohne PDF/A. Installieren: apt-get install --no-install-recommends libreoffice-writer-nogui" >&2
    echo "python3-uno fonts-liberation2 fonts-crosextra-carlito fonts-dejavu-core" >&2
    exit 3
fi
if ! "$SYSTEM_PYTHON" -c "import uno" >/dev/null 2>&1; then
    echo "python3-uno fehlt (apt-get install python3-uno): unoserver kann nicht starten, kein PDF/A." >&2
    exit 3
fi

answers() {
    "$SYSTEM_PYTHON" - "$PORT" <<'EOF' >/dev/null 2>&1
import socket, sys, xmlrpc.client
socket.setdefaulttimeout(3)
xmlrpc.client.ServerProxy(f"http://127.0.0.1:{sys.argv[1]}").info()
EOF
}

descendants() {
    for child in $(pgrep -P "$1" 2>/dev/null); do
        echo "$child"
        descendants "$child"
    done
}

stop_running() {
    # unoserver → oosplash → soffice.bin: stop the whole tree, politely first.
    [ -f "$PIDFILE" ] || return 0
    OLD=$(cat "$PIDFILE")
    PIDS="$OLD $(descendants "$OLD")"
    if [ -f "$PIDFILE.office" ]; then
        OFFICE=$(cat "$PIDFILE.office")
        PIDS="$PIDS $OFFICE $(descendants "$OFFICE")"
    fi
    # shellcheck disable=SC2086
    kill -TERM $PIDS 2>/dev/null
    i=0
    while [ $i -lt 10 ] && kill -0 "$OLD" 2>/dev/null; do sleep 0.5; i=$((i + 1)); done
    # shellcheck disable=SC2086
    kill -KILL $PIDS 2>/dev/null
    rm -f "$PIDFILE" "$PIDFILE.office"
}

case "${1:-}" in
    --stop)
        stop_running
        echo "unoserver auf Port $PORT gestoppt."
        exit 0
        ;;
    --foreground)
        ;;
    --restart)
        # The caller saw a conversion break off: LibreOffice may be dead behind a live unoserver.
        echo "unoserver auf Port $PORT wird neu gestartet." >&2
        stop_running
        ;;
    *)
        if answers; then
            echo "unoserver läuft bereits auf Port $PORT."
            exit 0
        fi
        # Not answering but alive: a hung LibreOffice. Replace it.
        stop_running
        ;;
esac

mkdir -p "$VAR"
if [ ! -x "$VENV/bin/unoserver" ]; then
    echo "Richte $VENV ein (unoserver für $SYSTEM_PYTHON mit python3-uno) …"
    "$SYSTEM_PYTHON" -m venv --system-site-packages "$VENV" || exit 1
    if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check "unoserver==3.7"; then
        # Offline: unoserver is pure Python; reuse the copy the app environment installed.
        SITE=$("$VENV/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
        APP_SITE=$(ls -d "$ROOT"/.venv/lib/python3*/site-packages | head -n 1)
        cp -r "$APP_SITE/unoserver" "$APP_SITE"/unoserver-*.dist-info "$SITE/" || exit 1
        printf '#!%s\nfrom unoserver.server import main\nraise SystemExit(main())\n' \
            "$VENV/bin/python" >"$VENV/bin/unoserver"
        chmod +x "$VENV/bin/unoserver"
    fi
fi

PROFILE=$VAR/unoserver-profile-$PORT
mkdir -p "$PROFILE"
echo "Starte unoserver auf 127.0.0.1:$PORT (LibreOffice-Profil $PROFILE) …"
if [ "${1:-}" = "--foreground" ]; then
    exec "$VENV/bin/unoserver" --interface 127.0.0.1 --port "$PORT" --uno-port "$UNO_PORT" \
        --user-installation "$PROFILE" --conversion-timeout "$TIMEOUT" --stop-after "$STOP_AFTER"
fi
nohup "$VENV/bin/unoserver" --interface 127.0.0.1 --port "$PORT" --uno-port "$UNO_PORT" \
    --user-installation "$PROFILE" --conversion-timeout "$TIMEOUT" --stop-after "$STOP_AFTER" \
    --libreoffice-pid-file "$PIDFILE.office" >>"$LOG" 2>&1 &
echo $! >"$PIDFILE"

i=0
while [ $i -lt 60 ]; do
    if answers; then
        echo "unoserver bereit (PID $(cat "$PIDFILE"), Protokoll $LOG)."
        exit 0
    fi
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
        break
    fi
    sleep 0.5
    i=$((i + 1))
done
echo "unoserver ist nicht gestartet; siehe $LOG" >&2
exit 1
