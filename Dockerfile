# Redress production image: gunicorn serves the app; the same image runs the Celery
# worker and beat (see docker-compose.yml). Two stages: the dependencies are installed
# into a virtualenv in the first (every one ships a wheel, so no compiler is needed),
# and only that virtualenv and the source reach the slim, non-root final image.
FROM python:3.11-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /venv
COPY pyproject.toml README.md /src/
RUN /venv/bin/pip install --upgrade pip && /venv/bin/pip install /src


FROM python:3.11-slim-bookworm

ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings

WORKDIR /app
# Pango and a font for WeasyPrint (PDF letters).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 redress
COPY --from=build /venv /venv
COPY . .
RUN mkdir -p /app/var && chown -R redress:redress /app/var
USER redress

# collectstatic needs a key and hosts only to import the settings: a throwaway random
# key (the settings refuse placeholders); the real ones come from the environment at
# run time (SECRET_KEY and ALLOWED_HOSTS are required, see .env.example).
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=build.invalid DEBUG=0 python manage.py collectstatic --noinput

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "-c", "gunicorn.conf.py"]
