# apt.sh — sourced by test-deps.sh and bench-deps.sh: `as_root` and an `apt_install` that runs
# `apt-get update` once per script. The caller defines `log`.

# Run as root directly, otherwise through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

export DEBIAN_FRONTEND=noninteractive
apt_updated=0
apt_install() {
    if [ "$apt_updated" -eq 0 ]; then
        log "apt-get update"
        as_root apt-get update
        apt_updated=1
    fi
    log "apt-get install -y $*"
    as_root apt-get install -y "$@"
}

# The PostgreSQL server binaries (initdb, pg_ctl), from Debian's postgresql package if missing.
ensure_postgres_server() {
    local d
    if command -v initdb >/dev/null 2>&1; then
        log "postgresql server binaries present"
        return
    fi
    for d in /usr/lib/postgresql/*/bin; do
        if [ -x "$d/initdb" ]; then
            log "postgresql server binaries present"
            return
        fi
    done
    apt_install postgresql
}
