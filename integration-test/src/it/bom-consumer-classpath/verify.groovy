// On the class path too, no warning about automatic modules reaches the user's build.
def log = new File(basedir, 'build.log').text
assert !log.contains('automodules') : 'a filename-based automatic module reached the user'
assert !log.contains('automatic module') : 'javac warned about an automatic module'
assert new File(basedir, 'target/classes/com/example/plain/Client.class').isFile()
return true
