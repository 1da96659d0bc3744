#!/usr/bin/env bash
# First run of `make demo`: write a generated secret into the git-ignored .env (kept afterwards).
# The demo serves plain HTTP on loopback, so its session cookie cannot carry Secure.
set -euo pipefail
cd "$(dirname "$0")/.."
touch .env
chmod 600 .env
if ! grep -q '^FIELDCRM_SECRET_KEY=' .env; then
  echo "FIELDCRM_SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))')" >> .env
  echo "setup: wrote a generated FIELDCRM_SECRET_KEY into .env"
fi
if ! grep -q '^FIELDCRM_SECURE_COOKIES=' .env; then
  echo "FIELDCRM_SECURE_COOKIES=false  # demo on http://127.0.0.1; remove behind HTTPS" >> .env
fi
