// The build log of the consumer: no automatic-module warning of any kind, and both runs saw
// the jdk transport and judged the body rule.
def log = new File(basedir, 'build.log').text
assert !log.contains('automodules') : 'a filename-based automatic module reached the user'
assert !log.contains('automatic module') : 'javac warned about an automatic module'
assert log.contains('failover4j-it: named=true transport=io.github.failover4j.http.jdk.JdkTransport automatic=[] outcome=FAILURE') : 'module path run'
assert log.contains('failover4j-it: named=false transport=io.github.failover4j.http.jdk.JdkTransport automatic=[] outcome=FAILURE') : 'class path run'
return true
