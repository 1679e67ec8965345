# Parley container image (JVM). Multi-stage: builds the jar, then runs it on a JRE.
# The image is built for PostgreSQL (the cluster setup); pass --build-arg DB_KIND=h2 for the embedded database.
#   docker build -t parley .
#   docker run -p 8080:8080 -e DATABASE_URL=jdbc:postgresql://db:5432/parley -e DATABASE_USER=parley \
#     -e DATABASE_PASSWORD=... -e REDIS_URL=redis://redis:6379 -e SECRET_KEY=... parley
# Not built on the development machines (no container engine there); written after the Quarkus container guides.

FROM eclipse-temurin:21-jdk AS build
ARG DB_KIND=postgresql
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY frontend frontend
COPY src src
RUN ./mvnw -B -DskipTests package -Dquarkus.datasource.db-kind=${DB_KIND}

FROM eclipse-temurin:21-jre
RUN useradd --system --uid 185 --home-dir /deployments parley && mkdir -p /deployments/data && chown -R 185 /deployments
WORKDIR /deployments
COPY --from=build --chown=185 /src/target/quarkus-app/lib/ lib/
COPY --from=build --chown=185 /src/target/quarkus-app/*.jar ./
COPY --from=build --chown=185 /src/target/quarkus-app/app/ app/
COPY --from=build --chown=185 /src/target/quarkus-app/quarkus/ quarkus/
USER 185
ENV PORT=8080 PARLEY_DATA_DIR=/deployments/data
EXPOSE 8080
VOLUME /deployments/data
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "quarkus-run.jar"]
