# Run by ./natrix just before the server's JVM:   perl listen.pl HOST PORT COMMAND [ARGS...]
#
# Binds HOST:PORT (an IPv4 address; port 0 picks a free one), listens, and execs COMMAND in this same process with
# the listening socket on descriptor 3 and LISTEN_FDS=1, LISTEN_PID=<this pid>: systemd's socket activation
# protocol, which the server understands (io.natrix.server.transport.EarlyListener). From the bind on, the kernel
# completes client connections into the backlog while the JVM starts; tools that spawn a server give it ~400 ms to
# accept TCP, and a JVM takes most of that to reach main. The server checks the socket against its configuration
# and, if a configuration file chose another address, closes it and binds its own.
#
# When anything fails (the port is taken, descriptor 3 is in use), COMMAND runs without a socket and the server
# binds and reports errors itself, in nats-server's words. Plain perl without modules (not even strict and
# warnings, 2 ms of the ~8 this takes): it runs before every start.

my ($host, $port, @command) = @ARGV;
die "usage: listen.pl HOST PORT COMMAND [ARGS...]\n" unless defined $port && @command;

# Descriptors up to $^F stay open across exec; the socket must be descriptor 3, the lowest free one.
$^F = 3;
my $passed = 0;
my @octets = split /\./, $host, -1;
if (@octets == 4 && !grep({ !/^[0-9]{1,3}$/ || $_ > 255 } @octets) && !-e "/proc/$$/fd/3") {
    # Linux's values: AF_INET 2, SOCK_STREAM 1, IPPROTO_TCP 6, SOL_SOCKET 1, SO_REUSEADDR 2.
    if (socket(SERVER, 2, 1, 6)) {
        if (fileno(SERVER) == 3 && setsockopt(SERVER, 1, 2, pack('l', 1))
            && bind(SERVER, pack('S n C4 x8', 2, $port < 0 ? 0 : $port, @octets)) && listen(SERVER, 4096)) {
            $passed = 1;
        } else {
            close(SERVER);
        }
    }
}
if ($passed) {
    $ENV{LISTEN_FDS} = '1';
    $ENV{LISTEN_PID} = $$;
} else {
    delete @ENV{qw(LISTEN_FDS LISTEN_PID)};
}
exec { $command[0] } @command;
print STDERR "natrix: could not run $command[0]: $!\n";
exit 127;
