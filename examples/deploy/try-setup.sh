#!/bin/sh
# The README's county-server set-up ("A county server"), every step that needs no systemd,
# run for real on a scratch directory: OS users and groups, `init` as the service account,
# `serve` started by hand, `user add` by the administrator, a caseworker's session with
# `su`, a backup through the server, then the server stopped and an offline `audit verify`
# by the data directory's owner. Run as root:
#
#   sh examples/deploy/try-setup.sh [SCRATCH_DIR]      # default /tmp/yuanzhu-try
#
# YUANZHU_BIN names the binary (default target/release/yuanzhu, else target/debug/yuanzhu).
# Paths are the README's with SCRATCH_DIR in front (/var/lib/yuanzhu → $ROOT/var/lib/yuanzhu);
# the OS users and groups are the README's own (yuanzhu, yuanzhu-staff, yuanzhu-admin,
# guanli, wang.f). Users and groups this script creates it removes again at the end; the
# scratch directory is left for a look.
set -eu

ROOT=${1:-/tmp/yuanzhu-try}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${YUANZHU_BIN:-}
if [ -z "$BIN" ]; then
    for b in "$HERE/../../target/release/yuanzhu" "$HERE/../../target/debug/yuanzhu"; do
        if [ -x "$b" ]; then BIN=$b; break; fi
    done
fi
[ "$(id -u)" = 0 ] || { echo "请以 root 运行" >&2; exit 1; }
[ -n "$BIN" ] && [ -x "$BIN" ] || { echo "找不到 yuanzhu 程序，请先 cargo build --release 或设 YUANZHU_BIN" >&2; exit 1; }

DATA=$ROOT/var/lib/yuanzhu
ETC=$ROOT/etc/yuanzhu
RUN=$ROOT/run/yuanzhu
SOCK=$RUN/yuanzhu.sock
PREFIX=$ROOT/usr/local
Y=$PREFIX/bin/yuanzhu
CREATED_USERS=""
CREATED_GROUPS=""
SERVER=""

step() { printf '\n== %s\n' "$*"; }
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
    for u in $CREATED_USERS; do userdel -r "$u" 2>/dev/null || userdel "$u" 2>/dev/null || true; done
    for g in $CREATED_GROUPS; do groupdel "$g" 2>/dev/null || true; done
}
trap cleanup EXIT
group() { getent group "$1" >/dev/null || { groupadd "$1"; CREATED_GROUPS="$CREATED_GROUPS $1"; }; }
user() { # NAME GROUPS
    id "$1" >/dev/null 2>&1 || { useradd -m -s /bin/sh -G "$2" "$1"; CREATED_USERS="$CREATED_USERS $1"; }
}

rm -rf "$ROOT"
mkdir -p "$ROOT" && chmod 0755 "$ROOT"

step "1. 系统账户与用户组（README: as root, once）"
id yuanzhu >/dev/null 2>&1 || {
    useradd --system --home-dir "$DATA" --shell /usr/sbin/nologin yuanzhu
    CREATED_USERS="$CREATED_USERS yuanzhu"
}
group yuanzhu-staff; group yuanzhu-admin
# serve gives its socket to yuanzhu-staff, so the service account is in it (the unit's
# SupplementaryGroups=yuanzhu-staff does the same under systemd).
usermod -aG yuanzhu-staff yuanzhu
user guanli yuanzhu-staff,yuanzhu-admin
id yuanzhu; id guanli

step "2. 安装程序、补全脚本、手册页与乡镇清单"
install -D -m 0755 "$BIN" "$Y"
install -d -m 0755 "$PREFIX/share/bash-completion/completions" "$PREFIX/share/man/man1"
"$Y" completions bash > "$PREFIX/share/bash-completion/completions/yuanzhu"
"$Y" man > "$PREFIX/share/man/man1/yuanzhu.1"
install -D -m 0644 "$HERE/townships.txt" "$ETC/townships.txt"
install -d -o yuanzhu -g yuanzhu -m 0700 "$DATA"
install -d -o yuanzhu -g yuanzhu -m 0755 "$RUN"
ls -l "$PREFIX/share/bash-completion/completions/yuanzhu" "$PREFIX/share/man/man1/yuanzhu.1"

step "3. 建库：以服务账户运行 init（乡镇清单放在服务账户可读的 $ETC）"
runuser -u yuanzhu -- "$Y" --data-dir "$DATA/store" init \
    --county 于都县 --code 360731 --townships "$ETC/townships.txt" --admin guanli
ls -ld "$DATA/store"

step "4. 手动启动服务（systemd 下由 yuanzhu.service 启动）"
runuser -u yuanzhu -- "$Y" --data-dir "$DATA/store" --socket "$SOCK" \
    serve --group yuanzhu-staff &
SERVER=$!
i=0
until [ -S "$SOCK" ]; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "服务没有应答" >&2; exit 1; }
    sleep 0.1
done
ls -l "$SOCK"

step "5. 管理员添加经办人账户（系统账户在先；不是系统用户的名字会得到提醒）"
user wang.f yuanzhu-staff
runuser -u guanli -- "$Y" --socket "$SOCK" user add wang.f --role 乡镇经办 --township 罗坳镇
runuser -u guanli -- "$Y" --socket "$SOCK" user add zhang.nobody --role 乡镇经办 --township 罗坳镇
runuser -u guanli -- "$Y" --socket "$SOCK" user list

step "6. 经办人的会话：su wang.f（经 SSH 登录时由 ForceCommand 打开界面）"
su wang.f -c "$Y --socket $SOCK zero"
su wang.f -c "$Y --socket $SOCK notice"
echo "客户端自带日期被拒绝（以服务器日期为准）："
su wang.f -c "$Y --socket $SOCK --today 2026-12-01 zero" || true

step "7. 运行中备份（管理员，经服务）"
runuser -u guanli -- "$Y" --socket "$SOCK" backup

step "8. 停止服务，数据目录所有者离线校验审计链（数据库与备份）"
# SIGTERM to serve itself (runuser, its parent, would otherwise report a killed session).
kill "$(pgrep -P "$SERVER")"; wait "$SERVER" || true; SERVER=""
runuser -u yuanzhu -- "$Y" --data-dir "$DATA/store" audit verify
BACKUP=$(ls -d "$DATA"/store-backups/*/ | head -n 1)
runuser -u yuanzhu -- "$Y" --data-dir "${BACKUP%/}" audit verify
echo "管理员不能直接打开 0700 的数据目录（应通过服务）："
runuser -u guanli -- "$Y" --data-dir "$DATA/store" audit verify || true

step "完成：$ROOT 保留供查看；本脚本建立的系统账户与用户组将被删除：${CREATED_USERS:-无}${CREATED_GROUPS:-}"
