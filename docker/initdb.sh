#!/bin/sh
# Creates NRTD's database roles on the first start of the PostgreSQL container: the three the
# site uses, and nrtd_backup (reads everything, BYPASSRLS: pg_dump; docs/operations.md).
set -eu
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE nrtd_owner LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${NRTD_OWNER_PASSWORD}';
CREATE ROLE nrtd_app LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${NRTD_APP_PASSWORD}';
CREATE ROLE nrtd_platform LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${NRTD_PLATFORM_PASSWORD}';
CREATE ROLE nrtd_backup LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS PASSWORD '${NRTD_BACKUP_PASSWORD}';
GRANT pg_read_all_data TO nrtd_backup;
CREATE DATABASE nrtd OWNER nrtd_owner;
SQL
