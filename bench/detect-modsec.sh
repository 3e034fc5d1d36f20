#!/bin/sh
# Starts nginx + ModSecurity v3 + OWASP CRS 3.3.4 (paranoia level 1, anomaly blocking → 403) on
# 127.0.0.1:18080, for bench/detect-corpus.mjs --modsec. Needs the Debian packages nginx,
# libnginx-mod-http-modsecurity and modsecurity-crs (apt-get install -y …); everything it writes goes
# to bench/.tools/modsec (gitignored). libmodsecurity3 rejects IncludeOptional, so the CRS files are
# included plainly, one by one. The error log is kept at `info`, where the connector writes every
# matched rule id (bench/detect-corpus.mjs --modsec-log reads them per request).
# Stop with: kill "$(cat bench/.tools/modsec/nginx.pid)"
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir="$here/.tools/modsec"
crs=/usr/share/modsecurity-crs
mkdir -p "$dir/logs"
sed -e 's/^SecRuleEngine .*/SecRuleEngine On/' \
    -e "s#^SecAuditLog .*#SecAuditLog $dir/logs/audit.log#" \
    -e 's/^SecAuditEngine .*/SecAuditEngine Off/' \
    -e "s#^SecUnicodeMapFile .*#SecUnicodeMapFile /etc/nginx/unicode.mapping 20127#" \
    /etc/nginx/modsecurity.conf > "$dir/modsecurity.conf"
{
  echo "Include $dir/modsecurity.conf"
  echo "Include /etc/modsecurity/crs/crs-setup.conf"
  echo "SecAction \"id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level=1\""
  echo "Include /etc/modsecurity/crs/REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf"
  for f in "$crs"/rules/*.conf; do echo "Include $f"; done
  echo "Include /etc/modsecurity/crs/RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf"
} > "$dir/main.conf"
cat > "$dir/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_http_modsecurity_module.so;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log info;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  client_max_body_size 10m;
  server {
    listen 127.0.0.1:18080;
    modsecurity on;
    modsecurity_rules_file $dir/main.conf;
    location / { proxy_pass http://127.0.0.1:18081; }
  }
  server { listen 127.0.0.1:18081; location / { return 200 "ok\n"; } }
}
CONF
nginx -t -c "$dir/nginx.conf" -p "$dir"
nginx -c "$dir/nginx.conf" -p "$dir"
echo "nginx + ModSecurity + CRS listening on http://127.0.0.1:18080 (pid $(cat "$dir/nginx.pid"))"
