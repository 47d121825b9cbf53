//! The Dockerfile against the project: what it copies exists (and is not ignored), it builds
//! the binary Cargo.toml declares, it runs and health-checks that binary where it was copied,
//! with subcommands the binary has, on the port its own environment configures, as a user
//! other than root. These checks need no Docker engine; when one answers, the image is also
//! built and its binary run.

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    path::{Path, PathBuf},
    process::Command,
};

use clickscale::{
    cloud::{CloudClient, CloudSettings},
    config::Config,
    http::{HttpServer, HttpState},
    ops::Engine,
    sim::{
        self,
        fixture::{DEMO_ADMIN_KEY, DEMO_ORG_ID, DEMO_SECRET},
        Fixture, SimConfig,
    },
};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One instruction: keyword (upper case), its arguments, and the build stage it belongs to.
#[derive(Debug, Clone)]
struct Instruction {
    keyword: String,
    args: String,
    stage: usize,
}

/// Instructions in order, with continuation lines joined and comments dropped (as Docker
/// does, also in the middle of a continued instruction).
fn parse(text: &str) -> Vec<Instruction> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut stage = 0;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && current.is_empty()) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                let (keyword, args) = current
                    .trim()
                    .split_once(char::is_whitespace)
                    .unwrap_or((current.trim(), ""));
                let keyword = keyword.to_uppercase();
                if keyword == "FROM" {
                    stage += 1;
                }
                out.push(Instruction {
                    keyword,
                    args: args.trim().to_owned(),
                    stage,
                });
                current.clear();
            }
        }
    }
    assert!(
        current.is_empty(),
        "the Dockerfile ends inside a continuation"
    );
    out
}

struct Dockerfile {
    instructions: Vec<Instruction>,
}

impl Dockerfile {
    fn load() -> Self {
        let text = std::fs::read_to_string(root().join("Dockerfile")).expect("read Dockerfile");
        Self {
            instructions: parse(&text),
        }
    }

    fn all(&self, keyword: &str) -> Vec<&Instruction> {
        self.instructions
            .iter()
            .filter(|i| i.keyword == keyword)
            .collect()
    }

    fn last_stage(&self) -> usize {
        self.instructions.iter().map(|i| i.stage).max().unwrap_or(0)
    }

    /// The one `keyword` of the final (runtime) stage.
    fn final_one(&self, keyword: &str) -> &Instruction {
        let found: Vec<_> = self
            .all(keyword)
            .into_iter()
            .filter(|i| i.stage == self.last_stage())
            .collect();
        assert_eq!(found.len(), 1, "expected one {keyword} in the final stage");
        found[0]
    }

    /// `ENV` values of the final stage (`KEY=VALUE` pairs, several per line allowed).
    fn env(&self) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        for i in self.all("ENV") {
            if i.stage != self.last_stage() {
                continue;
            }
            for pair in i.args.split_whitespace() {
                let (k, v) = pair
                    .split_once('=')
                    .unwrap_or_else(|| panic!("ENV without `=`: {pair}"));
                env.insert(k.to_owned(), v.trim_matches('"').to_owned());
            }
        }
        env
    }

    /// `(flags, sources, destination)` of every COPY.
    fn copies(&self) -> Vec<(usize, Vec<String>, Vec<String>, String)> {
        self.all("COPY")
            .into_iter()
            .map(|i| {
                let words: Vec<String> = i.args.split_whitespace().map(str::to_owned).collect();
                let (flags, rest): (Vec<String>, Vec<String>) =
                    words.into_iter().partition(|w| w.starts_with("--"));
                let (dest, sources) = rest.split_last().expect("COPY needs a destination");
                (i.stage, flags, sources.to_vec(), dest.clone())
            })
            .collect()
    }

    /// The binary copied from the build stage: `(source in the build stage, destination)`.
    fn copied_binary(&self) -> (String, String) {
        let from_build: Vec<_> = self
            .copies()
            .into_iter()
            .filter(|(_, flags, _, _)| flags.iter().any(|f| f.starts_with("--from=")))
            .collect();
        assert_eq!(
            from_build.len(),
            1,
            "one COPY --from=… of the binary: {from_build:?}"
        );
        let (_, _, sources, dest) = &from_build[0];
        assert_eq!(sources.len(), 1);
        (sources[0].clone(), dest.clone())
    }
}

/// An exec-form (`["a", "b"]`) argument list.
fn exec_form(args: &str) -> Vec<String> {
    serde_json::from_str(args)
        .unwrap_or_else(|e| panic!("not the exec form (JSON array): {args}: {e}"))
}

/// The `[[bin]]` name of Cargo.toml.
fn cargo_bin_name() -> String {
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).unwrap()).unwrap();
    let bins = manifest["bin"].as_array().expect("[[bin]] in Cargo.toml");
    assert_eq!(bins.len(), 1, "one binary");
    bins[0]["name"].as_str().unwrap().to_owned()
}

fn binary() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_clickscale"));
    c.env_remove("CLICKSCALE_CONFIG")
        .env_remove("CLICKSCALE_HTTP_ADDR");
    c
}

#[test]
fn copied_sources_exist_and_are_not_ignored() {
    let docker = Dockerfile::load();
    let ignored: Vec<String> = std::fs::read_to_string(root().join(".dockerignore"))
        .expect(".dockerignore keeps target/ and .git/ out of the build context")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.trim_end_matches('/').to_owned())
        .collect();
    for must in ["target", ".git"] {
        assert!(ignored.iter().any(|i| i == must), "{must} not ignored");
    }
    let mut checked = 0;
    for (_, flags, sources, _) in docker.copies() {
        if flags.iter().any(|f| f.starts_with("--from=")) {
            continue;
        }
        for src in sources {
            let path = src.trim_start_matches("./").trim_end_matches('/');
            assert!(
                root().join(path).exists(),
                "COPY {src}: no such file in the project"
            );
            assert!(
                !ignored.iter().any(|i| {
                    let glob = i.strip_prefix('*');
                    path == i
                        || path.starts_with(&format!("{i}/"))
                        || glob.is_some_and(|suffix| path.ends_with(suffix))
                }),
                "COPY {src} is excluded by .dockerignore"
            );
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} sources checked");
}

/// Everything the compiler reads outside `src/` must be copied into the build stage:
/// `#[path = "../x"]` modules and `sqlx::migrate!("x")` directories.
#[test]
fn the_build_stage_copies_every_compile_time_input() {
    let docker = Dockerfile::load();
    let copied: Vec<String> = docker
        .copies()
        .into_iter()
        .filter(|(stage, _, _, _)| *stage == 1)
        .flat_map(|(_, _, sources, _)| sources)
        .map(|s| s.trim_start_matches("./").trim_end_matches('/').to_owned())
        .collect();
    let mut needed = vec!["Cargo.toml".to_owned(), "Cargo.lock".to_owned()];
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension() != Some(std::ffi::OsStr::new("rs")) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            needed.push("src".into());
            for (marker, relative_to_file) in [
                ("#[path = \"", true),
                ("include_str!(\"", true),
                // A path built by `concat!` (src/i18n.rs): its first piece names the folder.
                ("include_str!(concat!(\"", true),
                ("include_bytes!(\"", true),
                ("migrate!(\"", false),
            ] {
                for (at, _) in text.match_indices(marker) {
                    let rest = &text[at + marker.len()..];
                    let target = &rest[..rest.find('"').unwrap()];
                    let full = if relative_to_file {
                        path.parent().unwrap().join(target)
                    } else {
                        root().join(target)
                    };
                    let full = normalize(&full);
                    let top = full
                        .strip_prefix(root())
                        .unwrap_or_else(|_| panic!("{target} leaves the project"))
                        .components()
                        .next()
                        .unwrap();
                    needed.push(top.as_os_str().to_string_lossy().into_owned());
                }
            }
        }
    }
    // Every target Cargo.toml declares must exist for cargo to read the manifest at all;
    // targets without a `path` live in their kind's default folder.
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    for (table, folder) in [
        ("[[bench]]", "benches"),
        ("[[test]]", "tests"),
        ("[[example]]", "examples"),
    ] {
        if manifest.contains(table) {
            needed.push(folder.into());
        }
    }
    for line in manifest.lines().map(str::trim) {
        if let Some(path) = line
            .strip_prefix("path = \"")
            .and_then(|rest| rest.split('"').next())
        {
            let top = Path::new(path).components().next().unwrap();
            needed.push(top.as_os_str().to_string_lossy().into_owned());
        }
    }
    needed.sort();
    needed.dedup();
    assert!(needed.contains(&"benches".to_owned()), "{needed:?}");
    assert!(needed.contains(&"commands".to_owned()), "{needed:?}");
    assert!(needed.contains(&"migrations".to_owned()), "{needed:?}");
    assert!(needed.contains(&"locales".to_owned()), "{needed:?}");
    for n in &needed {
        assert!(
            copied.contains(n),
            "the build needs {n}, the build stage copies only {copied:?}"
        );
    }
}

/// `a/b/../c` -> `a/c`, without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn it_builds_and_runs_the_binary_cargo_declares() {
    let docker = Dockerfile::load();
    let bin = cargo_bin_name();
    assert_eq!(bin, "clickscale");

    let builds: Vec<_> = docker
        .all("RUN")
        .into_iter()
        .filter(|r| r.args.contains("cargo build"))
        .collect();
    assert_eq!(builds.len(), 1);
    let words: Vec<&str> = builds[0].args.split_whitespace().collect();
    let built = words
        .windows(2)
        .find(|w| w[0] == "--bin")
        .map(|w| w[1])
        .expect("cargo build --bin NAME");
    assert_eq!(built, bin);
    assert!(words.contains(&"--release") && words.contains(&"--locked"));

    // The binary is copied from where that build puts it, under the build stage's WORKDIR.
    let workdir = docker
        .all("WORKDIR")
        .into_iter()
        .find(|w| w.stage == builds[0].stage)
        .expect("WORKDIR in the build stage")
        .args
        .clone();
    let (source, dest) = docker.copied_binary();
    assert_eq!(source, format!("{workdir}/target/release/{bin}"));
    assert!(dest.ends_with(&format!("/{bin}")), "{dest}");

    // ENTRYPOINT: tini (installed in the image), then that binary.
    let entrypoint = exec_form(&docker.final_one("ENTRYPOINT").args);
    assert_eq!(entrypoint, ["/usr/bin/tini", "--", dest.as_str()]);
    assert!(
        docker
            .all("RUN")
            .iter()
            .any(|r| r.stage == docker.last_stage() && r.args.contains(" tini")),
        "tini is installed in the runtime stage"
    );

    // CMD names subcommands the binary has.
    let cmd = exec_form(&docker.final_one("CMD").args);
    let out = binary()
        .args(&cmd)
        .arg("--help")
        .output()
        .expect("run the binary");
    assert!(
        out.status.success(),
        "`{bin} {} --help` failed: {}",
        cmd.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );

    assert_eq!(docker.final_one("STOPSIGNAL").args, "SIGTERM");

    // The build image is new enough for the crate's rust-version.
    let from = &docker.all("FROM")[0].args;
    let tag = from
        .split_whitespace()
        .next()
        .unwrap()
        .strip_prefix("rust:")
        .expect("rust:VERSION build image");
    let version = |v: &str| -> (u32, u32) {
        let mut parts = v.split(['.', '-']).map(|p| p.parse().unwrap_or(0));
        (parts.next().unwrap(), parts.next().unwrap_or(0))
    };
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).unwrap()).unwrap();
    let msrv = manifest["package"]["rust-version"].as_str().unwrap();
    assert!(version(tag) >= version(msrv), "rust:{tag} < {msrv}");
}

#[test]
fn it_runs_as_an_unprivileged_user_it_creates() {
    let docker = Dockerfile::load();
    let user = docker.final_one("USER").args.clone();
    let name = user.split(':').next().unwrap();
    assert!(!matches!(name, "root" | "0" | ""), "USER {user}");
    assert!(
        docker
            .all("RUN")
            .iter()
            .any(|r| r.args.contains("useradd") && r.args.ends_with(&format!(" {name}"))),
        "USER {name} is created with useradd"
    );
}

#[test]
fn the_exposed_port_is_the_configured_http_port_and_data_lives_in_a_volume() {
    let docker = Dockerfile::load();
    let env = docker.env();
    let addr: SocketAddr = env
        .get("CLICKSCALE_HTTP_ADDR")
        .expect("ENV CLICKSCALE_HTTP_ADDR")
        .parse()
        .expect("CLICKSCALE_HTTP_ADDR is HOST:PORT");
    assert!(
        addr.ip().is_unspecified(),
        "{addr}: must listen on all interfaces to be reachable from outside the container"
    );
    let exposed: Vec<u16> = docker
        .final_one("EXPOSE")
        .args
        .split_whitespace()
        .map(|p| p.trim_end_matches("/tcp").parse().unwrap())
        .collect();
    assert_eq!(exposed, [addr.port()]);
    assert_eq!(addr.port(), clickscale::http::DEFAULT_PORT);

    // The SQLite database sits in the declared volume, which is the unprivileged user's home.
    let db = env
        .get("CLICKSCALE_DATABASE_URL")
        .expect("ENV CLICKSCALE_DATABASE_URL");
    let path = db.strip_prefix("sqlite://").expect("an SQLite URL");
    let volume = docker
        .final_one("VOLUME")
        .args
        .trim_matches(['[', ']', '"']);
    assert!(
        Path::new(path).parent() == Some(Path::new(volume)),
        "{path} not in VOLUME {volume}"
    );
    assert!(Path::new(path).is_absolute(), "{path}");
}

/// The HEALTHCHECK command, run as written with the image's HTTP address pointed at a live
/// server (a test binds 127.0.0.1:0, not the image's 0.0.0.0:8080), passes; without a
/// server it fails.
#[tokio::test]
async fn the_healthcheck_command_checks_the_configured_address() {
    let docker = Dockerfile::load();
    let healthcheck = &docker.final_one("HEALTHCHECK").args;
    let (options, cmd) = healthcheck
        .split_once("CMD")
        .expect("HEALTHCHECK … CMD [...]");
    for option in ["--interval=", "--timeout=", "--retries="] {
        assert!(options.contains(option), "HEALTHCHECK without {option}");
    }
    let cmd = exec_form(cmd.trim());
    let (_, dest) = docker.copied_binary();
    assert_eq!(cmd[0], dest, "the health check runs the copied binary");
    assert_eq!(cmd[1], "healthcheck");

    let help = binary().args(&cmd[1..]).arg("--help").output().unwrap();
    assert!(
        help.status.success(),
        "{}",
        String::from_utf8_lossy(&help.stderr)
    );

    let sim = sim::spawn(SimConfig::default(), Fixture::default())
        .await
        .unwrap();
    let mut settings =
        CloudSettings::new(DEMO_ORG_ID, DEMO_ADMIN_KEY, DEMO_SECRET.to_owned().into());
    settings.base_url = sim.base_url();
    let store = clickscale::store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let engine = Engine::new(
        CloudClient::new(settings).unwrap(),
        Config::default(),
        store,
    )
    .unwrap();
    let server = HttpServer::start("127.0.0.1:0".parse().unwrap(), HttpState::new(engine))
        .await
        .unwrap();
    let run = |addr: String| {
        let args = cmd[1..].to_vec();
        tokio::task::spawn_blocking(move || {
            binary()
                .args(&args)
                .env("CLICKSCALE_HTTP_ADDR", addr)
                .output()
                .unwrap()
        })
    };
    // As in the image: a wildcard address, reached over loopback.
    let up = run(format!("0.0.0.0:{}", server.addr().port()))
        .await
        .unwrap();
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let port = server.addr().port();
    server.stop().await;
    let down = run(format!("0.0.0.0:{port}")).await.unwrap();
    assert_eq!(down.status.code(), Some(1));
}

/// With a Docker engine, build the image and run its binary; without one, say so.
#[test]
fn the_image_builds_when_a_docker_engine_answers() {
    let engine = Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output();
    match engine {
        Ok(out) if out.status.success() => {}
        _ => {
            // Straight to stderr: libtest captures print!/eprint! of passing tests, and this
            // must show in every run's output.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "dockerfile: docker build NOT RUN (no Docker engine answered `docker info`); \
                 the Dockerfile's commands and paths were checked statically"
            );
            return;
        }
    }
    let tag = format!("clickscale-test:{}", std::process::id());
    let build = Command::new("docker")
        .args(["build", "-t", &tag, "."])
        .current_dir(root())
        .status()
        .expect("docker build");
    assert!(build.success(), "docker build failed");
    let help = Command::new("docker")
        .args(["run", "--rm", &tag, "healthcheck", "--help"])
        .output()
        .expect("docker run");
    let uid = Command::new("docker")
        .args(["run", "--rm", "--entrypoint", "id", &tag, "-u"])
        .output()
        .expect("docker run");
    let _ = Command::new("docker").args(["rmi", "-f", &tag]).status();
    assert!(
        help.status.success(),
        "{}",
        String::from_utf8_lossy(&help.stderr)
    );
    let uid = String::from_utf8_lossy(&uid.stdout).trim().to_owned();
    assert!(!uid.is_empty() && uid != "0", "runs as uid {uid:?}");
}
