# The Omniscope server image, used by docker-compose.yml. Build: docker build -t omniscope .
# (No Docker engine runs on the development machines; this file is kept correct by reading.)

FROM node:20-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jdk-headless maven gcc g++ make libunicorn-dev libcapstone-dev libdw-dev libelf-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN mvn -B -ntp -DskipTests package

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jre-headless libunicorn2 libcapstone4 libdw1 libelf1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/cli/target/omni.jar /opt/omniscope/omni.jar
ENV OMNI_HOME=/var/lib/omniscope
VOLUME /var/lib/omniscope
EXPOSE 8080
ENTRYPOINT ["java", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-jar", "/opt/omniscope/omni.jar"]
CMD ["serve", "--bind", "0.0.0.0", "--port", "8080"]
