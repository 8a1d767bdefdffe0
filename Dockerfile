# syntax=docker/dockerfile:1
# Two stages. The build stage has the compilers and libpq's headers and turns the runtime lock
# (requirements/runtime.txt, every file checked against its hash) into wheels, psycopg2 built
# from source against Debian's libpq as psycopg2's documentation advises for production. The
# image itself gets those wheels and the shared libraries they load, nothing else: no compiler,
# no test, lint or benchmark tool (those are in requirements/dev.txt, for development only).

FROM python:3.11-slim-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY requirements/build.txt requirements/runtime.txt ./
# pip and setuptools (psycopg2's build backend) from their lock too, so that building without
# isolation fetches nothing unhashed; every other package of the lock is a wheel already.
RUN pip install --no-cache-dir --require-hashes -r build.txt \
 && pip wheel --no-cache-dir --require-hashes --no-build-isolation --no-binary psycopg2 \
      --wheel-dir /wheels -r runtime.txt

FROM python:3.11-slim-bookworm
# libpq5 for psycopg2; WeasyPrint's libraries, the fonts the PDFs use, gettext for the
# translations, and postgresql-client (pg_dump/pg_restore 15, as the postgres:15 service) for
# the backups.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpq5 \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo libopenjp2-7 \
      libffi8 shared-mime-info fonts-dejavu-core fonts-noto-color-emoji gettext \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_STATIC_MANIFEST=true
# Only the wheels of the build stage, mounted for this step (no layer keeps them), no index:
# they were checked against runtime.txt's hashes (or built from the checked source) there.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --no-deps /wheels/*.whl \
 && pip check
WORKDIR /app
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv -v 0 \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0 \
 && useradd --create-home --uid 1000 app && mkdir -p /data /backups && chown app /data /backups
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
