# One image for every service: `docker run sentinel-pager ingest -c …`, `… topics create`, `… emulator`, as ./pager.
#
# Build the jar first, then the image (the build needs Maven and the project's dependencies, which the image does not):
#   mvn -B -DskipTests package
#   docker build -t sentinel-pager .
# app/target/pager.jar finds its dependencies through its manifest class path, lib/ beside it.
FROM eclipse-temurin:17-jre

# A fixed uid, so that a file bind-mounted from the host can be made readable by it (chown 10001).
RUN groupadd --system --gid 10001 pager \
    && useradd --system --uid 10001 --gid pager --home-dir /app --shell /usr/sbin/nologin pager \
    # Owned by pager in the image, so that a named volume mounted on one starts out writable by it:
    # Streams state and the inbox, the emulator's connector file, the responder's accounts file.
    && mkdir -p /var/lib/sentinel-pager/state /var/lib/sentinel-pager/inbox /connector /accounts \
    && chown -R pager:pager /var/lib/sentinel-pager /connector /accounts

WORKDIR /app
COPY app/target/lib/ lib/
COPY app/target/pager.jar pager.jar
USER pager

ENTRYPOINT ["java", "-jar", "/app/pager.jar"]
CMD ["--help"]
