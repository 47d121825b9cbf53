//! A PostgreSQL server of the test's own, in a temp dir on a free 127.0.0.1 port, that the
//! test may stop and start again (a restart mid-watch) without touching a shared server.
//! Needs the Debian packages' binaries (`/usr/lib/postgresql/*/bin`); as root the server runs
//! as the `postgres` user, since PostgreSQL refuses to run as root.

use std::{
    io::Write as _,
    path::{Path, PathBuf},
    process::Command,
};

pub struct PgServer {
    bin: PathBuf,
    data: PathBuf,
    _dir: tempfile::TempDir,
    pub port: u16,
}

fn pg_bin() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("pg_ctl").exists())
        .collect();
    // Highest major version last.
    found.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop()
}

/// Not found: a skip with a note, except under the full test command (scripts/test.sh sets
/// `CLICKSCALE_TEST_POSTGRES_URL` after installing PostgreSQL), where a skip would hide that
/// the PostgreSQL fault tests did not run.
fn not_found() {
    assert!(
        std::env::var_os("CLICKSCALE_TEST_POSTGRES_URL").is_none(),
        "PostgreSQL binaries not found under /usr/lib/postgresql although \
         CLICKSCALE_TEST_POSTGRES_URL is set: the PostgreSQL fault tests would not run"
    );
    let _ = writeln!(
        std::io::stderr(),
        "note: PostgreSQL binaries not found under /usr/lib/postgresql; test skipped"
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

impl PgServer {
    /// Whether a server can be started here; says why not (on stderr) when it cannot.
    pub fn available() -> bool {
        let found = pg_bin().is_some();
        if !found {
            not_found();
        }
        found
    }

    /// Start one, or `None` (with a note on stderr) when PostgreSQL is not installed.
    pub fn start() -> Option<Self> {
        let Some(bin) = pg_bin() else {
            not_found();
            return None;
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        if is_root() {
            for p in [dir.path(), data.as_path()] {
                let ok = Command::new("chown")
                    .args(["postgres:postgres", &p.display().to_string()])
                    .status()
                    .unwrap()
                    .success();
                assert!(ok, "chown {}", p.display());
            }
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = Self {
            bin,
            data,
            _dir: dir,
            port,
        };
        server.run(
            "initdb",
            &[
                "-D",
                &server.data_arg(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
            ],
        );
        server.up();
        Some(server)
    }

    fn data_arg(&self) -> String {
        self.data.display().to_string()
    }

    /// `tool` as the user the server runs as.
    fn command(&self, tool: &str) -> Command {
        let tool = self.bin.join(tool);
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&tool);
            c
        } else {
            Command::new(&tool)
        };
        cmd.current_dir(Path::new("/"));
        cmd
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let out = self
            .command(tool)
            .args(args)
            .output()
            .expect("run a PostgreSQL tool");
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Start (again), on the same port and data; returns once it accepts connections.
    pub fn up(&self) {
        let log = self.data.join("server.log").display().to_string();
        let opts = format!(
            "-k /tmp -h 127.0.0.1 -p {} -c fsync=off -c max_connections=100",
            self.port
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data_arg(),
                "-l",
                &log,
                "-w",
                "-o",
                &opts,
                "start",
            ],
        );
    }

    /// Stop it the way a restart does (fast shutdown: connections are cut).
    pub fn down(&self) {
        self.run(
            "pg_ctl",
            &["-D", &self.data_arg(), "-m", "fast", "-w", "stop"],
        );
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["-D", &self.data_arg(), "-m", "immediate", "-w", "stop"])
            .output();
    }
}
