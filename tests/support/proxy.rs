//! A TCP proxy in front of the simulator that loses PATCHes the way a flaky network does:
//! it forwards the request and drops the connection before the answer comes back (the change
//! is applied, the client never hears it), or swallows the request without forwarding it.
//! Real sockets both ways; everything else passes through untouched.

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// What happens to a PATCH while the proxy is set to lose them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// Forward it (the API applies it), then close before the answer reaches the client.
    Answer,
    /// Close without forwarding it (the API never sees it).
    Request,
}

#[derive(Debug)]
pub struct LossyProxy {
    pub addr: SocketAddr,
    /// PATCHes still to lose; each lost one counts down.
    to_lose: Arc<AtomicUsize>,
    /// PATCHes the proxy lost so far.
    lost: Arc<AtomicUsize>,
}

impl LossyProxy {
    /// Listen on 127.0.0.1 in front of `upstream`, losing the next `count` PATCHes as `loss`.
    pub async fn start(upstream: SocketAddr, loss: Loss, count: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let to_lose = Arc::new(AtomicUsize::new(count));
        let lost = Arc::new(AtomicUsize::new(0));
        let (t, l) = (to_lose.clone(), lost.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(connection(client, upstream, loss, t.clone(), l.clone()));
            }
        });
        Self {
            addr,
            to_lose,
            lost,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn lost(&self) -> usize {
        self.lost.load(Ordering::SeqCst)
    }

    pub fn set_to_lose(&self, n: usize) {
        self.to_lose.store(n, Ordering::SeqCst);
    }
}

/// Take one PATCH from the budget, if any is left.
fn take(to_lose: &AtomicUsize) -> bool {
    to_lose
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

async fn connection(
    client: TcpStream,
    upstream: SocketAddr,
    loss: Loss,
    to_lose: Arc<AtomicUsize>,
    lost: Arc<AtomicUsize>,
) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut c_read, mut c_write) = client.into_split();
    let (mut s_read, mut s_write) = server.into_split();
    // Set once a PATCH whose answer is to be lost went upstream. HTTP/1.1 clients send the
    // next request only after the previous answer, so every byte that comes back after it
    // belongs to that PATCH.
    let losing = Arc::new(AtomicBool::new(false));
    let losing_up = losing.clone();
    let up = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match c_read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if buf[..n].starts_with(b"PATCH ") && take(&to_lose) {
                lost.fetch_add(1, Ordering::SeqCst);
                match loss {
                    Loss::Request => return,
                    Loss::Answer => losing_up.store(true, Ordering::SeqCst),
                }
            }
            if s_write.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    let down = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match s_read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if losing.load(Ordering::SeqCst) {
                return; // The answer dies here, with the connection.
            }
            if c_write.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    // Either side ending closes both: the client sees the connection drop.
    tokio::select! {
        _ = up => {}
        _ = down => {}
    }
}
