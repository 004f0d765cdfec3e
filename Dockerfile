# SocialSeed in a container: small (python slim, no compilers in the final image), runs as a
# non-root user, keeps its state on a volume. See docs/operations.md ("Docker").
#   docker build -t socialseed .
#   docker run --rm socialseed --version
#   docker run --rm -v socialseed-state:/data -v "$PWD/socialseed:/config:ro" \
#     --env-file .env socialseed status -c /config
FROM python:3.12-slim AS build
ARG VERSION=0.1.0
WORKDIR /src
COPY pyproject.toml README.md ./
COPY socialseed ./socialseed
# setuptools-scm reads the version from git; the build context has no .git, so it is given
ENV SETUPTOOLS_SCM_PRETEND_VERSION=${VERSION}
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.12-slim
RUN useradd --create-home --uid 10001 --user-group socialseed \
    && mkdir /data && chown socialseed:socialseed /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER socialseed
ENV SOCIALSEED_STATE=/data/state.sqlite \
    SOCIALSEED_NO_INPUT=1 \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
WORKDIR /home/socialseed
EXPOSE 9464
ENTRYPOINT ["socialseed"]
CMD ["--help"]
