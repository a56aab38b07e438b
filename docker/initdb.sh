#!/bin/sh
# Creates NRTD's two database roles on the first start of the PostgreSQL container.
set -eu
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE nrtd_owner LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${NRTD_OWNER_PASSWORD}';
CREATE ROLE nrtd_app LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${NRTD_APP_PASSWORD}';
CREATE DATABASE nrtd OWNER nrtd_owner;
SQL
