//! A fresh, empty database per test: SQLite in a temp dir, or PostgreSQL when
//! `CLICKSCALE_TEST_POSTGRES_URL` names a server (`scripts/with-postgres.sh` starts one).

use std::{io::Write as _, sync::Once};

use clickscale::store::{Backend, Store};
use sqlx::Connection as _;

const PG_ENV: &str = "CLICKSCALE_TEST_POSTGRES_URL";

/// A fresh, empty database for one test.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    pub _dir: Option<tempfile::TempDir>,
    /// PostgreSQL: the server's URL and the database to drop afterwards.
    drop: Option<(String, String)>,
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("clickscale.db").display());
        Self {
            url,
            backend: Backend::Sqlite,
            _dir: Some(dir),
            drop: None,
        }
    }

    pub async fn postgres() -> Option<Self> {
        let Ok(server) = std::env::var(PG_ENV) else {
            static NOTE: Once = Once::new();
            // Written past the test harness's capture so the skip is visible.
            NOTE.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "note: {PG_ENV} is not set; PostgreSQL store tests are skipped \
                     (run them with scripts/with-postgres.sh cargo test --test store)"
                );
            });
            return None;
        };
        // Within PostgreSQL's 63-byte identifier limit.
        let name = format!("clickscale_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .expect("connect to the PostgreSQL test server");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create a test database");
        Some(Self {
            url: with_database(&server, &name),
            backend: Backend::Postgres,
            _dir: None,
            drop: Some((server, name)),
        })
    }

    pub async fn open(&self) -> Store {
        let store = Store::connect(&self.url).await.expect("open the store");
        assert_eq!(store.backend(), self.backend);
        store
    }

    pub async fn finish(self) {
        if let Some((server, name)) = self.drop {
            let mut admin = sqlx::PgConnection::connect(&server).await.expect("connect");
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await
                .expect("drop the test database");
        }
    }
}

/// `postgres://user@host:port/db?x=y` with another database name.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority = base.find("://").map_or(0, |i| i + 3);
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |i| authority + i);
    format!("{}/{database}{query}", &base[..path])
}

/// Another process holding SQLite's write lock (as `sqlite3` in a shell would), until the
/// returned connection commits or closes.
pub async fn lock_sqlite(url: &str) -> sqlx::SqliteConnection {
    use sqlx::ConnectOptions as _;
    use std::str::FromStr as _;
    let mut locker = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .unwrap()
        .connect()
        .await
        .unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut locker)
        .await
        .unwrap();
    locker
}
