/** A user's module: the JDK adapter brings the core, the SPI and java.net.http. */
module com.example.consumer {
  requires io.github.failover4j.http.jdk;
}
