FROM python:3.11-slim-bookworm

# WeasyPrint's libraries, the fonts the PDFs use, gettext for the translations, and
# postgresql-client (pg_dump/pg_restore 15, as the postgres:15 service) for the backups.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo libopenjp2-7 \
      libffi8 shared-mime-info fonts-dejavu-core fonts-noto-color-emoji gettext \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_STATIC_MANIFEST=true
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv -v 0 \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0 \
 && useradd --create-home --uid 1000 app && mkdir -p /data /backups && chown app /data /backups
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
