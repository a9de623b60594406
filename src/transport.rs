//! The plugin's stdout and its gRPC listening socket.
//!
//! tf-provider binds its listener and prints the go-plugin handshake line
//! (`1|6|tcp|127.0.0.1:PORT|grpc|CERT`) on stdout, which Terraform reads to
//! connect. Two things need that moment:
//!
//! - tf-provider leaves Nagle's algorithm on, so small gRPC replies wait
//!   for delayed ACKs (about 40 ms an RPC). On Linux an accepted socket
//!   inherits `TCP_NODELAY` from its listener, so setting it on the
//!   listener before Terraform connects fixes every connection.
//! - in `--debug` mode the handshake is turned into the
//!   `TF_REATTACH_PROVIDERS` value a developer exports.
//!
//! So stdout is routed through a pipe: a thread reads the handshake, finds
//! the listener among the process's own file descriptors, sets the option,
//! and only then passes the line on. Terraform cannot connect before it
//! reads the line, so no connection escapes the fix. Anything else written
//! to stdout goes to stderr, since stdout must carry the handshake alone.

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::thread::{self, JoinHandle};

use socket2::SockRef;
use tracing::{debug, warn};

/// What to do with the handshake line.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Pass it to Terraform unchanged.
    Plugin,
    /// Print the reattach value for this provider address instead.
    Debug { provider_address: String },
}

/// Routes stdout through the handshake thread; call before serving.
pub fn intercept_stdout(mode: Mode) -> io::Result<JoinHandle<()>> {
    let real_stdout = io::stdout().as_raw_fd();
    // SAFETY: fd 1 is open for the life of the process.
    let original = unsafe { BorrowedFd::borrow_raw(real_stdout) }.try_clone_to_owned()?;
    let (reader, writer) = io::pipe()?;

    redirect(writer.as_raw_fd(), real_stdout)?;
    drop(writer);

    thread::Builder::new()
        .name("handshake".into())
        .spawn(move || relay(reader, fs::File::from(original), mode))
}

/// Points `target` at the same file as `source` (dup2).
fn redirect(source: RawFd, target: RawFd) -> io::Result<()> {
    // SAFETY: both descriptors are open; dup2 only replaces `target`.
    if unsafe { libc::dup2(source, target) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Reads what tf-provider writes to stdout and forwards the handshake.
fn relay(reader: io::PipeReader, mut stdout: fs::File, mode: Mode) {
    let mut handshake_seen = false;
    for line in BufReader::new(reader).lines() {
        let Ok(line) = line else { break };
        match parse_handshake(&line) {
            Some(addr) if !handshake_seen => {
                handshake_seen = true;
                // The benchmark's `keep-nagle` build measures the stall.
                if cfg!(not(feature = "keep-nagle")) {
                    disable_nagle(addr);
                }
                let out = match &mode {
                    Mode::Plugin => line,
                    Mode::Debug { provider_address } => {
                        reattach_instructions(provider_address, addr)
                    }
                };
                // Nothing useful can be done if Terraform closed the pipe.
                let _ = writeln!(stdout, "{out}").and_then(|()| stdout.flush());
            }
            _ => warn!(line = %line, "unexpected output on stdout moved to the log"),
        }
    }
}

/// The listening address in a go-plugin handshake line.
fn parse_handshake(line: &str) -> Option<SocketAddr> {
    let mut fields = line.split('|');
    let (_core, _proto, network, addr) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    (network == "tcp").then(|| addr.parse().ok()).flatten()
}

/// Sets `TCP_NODELAY` on this process's socket listening at `addr`.
fn disable_nagle(addr: SocketAddr) {
    match find_listener(addr) {
        Some(fd) => {
            // SAFETY: `fd` is open: it was listed in /proc/self/fd and the
            // listener lives as long as the server.
            let fd = unsafe { BorrowedFd::borrow_raw(fd) };
            match SockRef::from(&fd).set_tcp_nodelay(true) {
                Ok(()) => debug!(%addr, "TCP_NODELAY set on the plugin listener"),
                Err(err) => warn!(%addr, %err, "could not set TCP_NODELAY"),
            }
        }
        None => warn!(%addr, "plugin listener not found; Nagle's algorithm stays on"),
    }
}

/// The descriptor of the listening socket bound to `addr`, if any.
fn find_listener(addr: SocketAddr) -> Option<RawFd> {
    let entries = fs::read_dir("/proc/self/fd").ok()?;
    entries.flatten().find_map(|entry| {
        let fd: RawFd = entry.file_name().to_str()?.parse().ok()?;
        let target = fs::read_link(entry.path()).ok()?;
        if !target.to_string_lossy().starts_with("socket:") {
            return None;
        }
        // SAFETY: the descriptor was just listed as an open socket.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        let socket = SockRef::from(&borrowed);
        let bound = socket.local_addr().ok()?.as_socket()?;
        (bound == addr && socket.is_listener().ok()?).then_some(fd)
    })
}

/// The shell line that attaches Terraform to a provider run by hand.
fn reattach_instructions(provider_address: &str, addr: SocketAddr) -> String {
    let value = serde_json::json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": 6,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": { "Network": "tcp", "String": addr.to_string() },
        }
    });
    format!(
        "Provider started. To attach Terraform to it, run in another \
         shell:\n\n    export TF_REATTACH_PROVIDERS='{value}'\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_line_yields_the_listening_address() {
        let line = "1|6|tcp|127.0.0.1:41235|grpc|MIIB";
        assert_eq!(
            parse_handshake(line),
            Some("127.0.0.1:41235".parse().unwrap())
        );
        assert_eq!(parse_handshake("hello world"), None);
        assert_eq!(parse_handshake("1|6|unix|/tmp/x|grpc|"), None);
    }

    #[test]
    fn listener_is_found_among_own_descriptors() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();

        let fd = find_listener(addr).expect("listener found");
        disable_nagle(addr);

        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        assert!(SockRef::from(&borrowed).tcp_nodelay().unwrap());
        let (_client, accepted) = (
            std::net::TcpStream::connect(addr).unwrap(),
            listener.accept().unwrap().0,
        );
        assert!(accepted.nodelay().unwrap(), "accepted socket inherits it");
    }
}
