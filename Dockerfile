# NRTD production image: gunicorn for the web, the same image for Celery worker and beat.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
# The front end the site serves (axe-core, the browser tests' accessibility checker, is left out).
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
COPY --from=frontend /src/node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
# collectstatic needs settings but no database or secret of the real site.
RUN NRTD_MODE=production SECRET_KEY=build-only-collectstatic-key-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=build DATABASE_URL=postgresql://build@localhost/build CELERY_BROKER_URL=redis://build \
    python manage.py collectstatic --no-input
RUN useradd --system --uid 1000 nrtd && mkdir -p /data && chown nrtd /data
USER nrtd
EXPOSE 8000
CMD ["gunicorn", "nrtd.wsgi", "--bind", "0.0.0.0:8000"]
