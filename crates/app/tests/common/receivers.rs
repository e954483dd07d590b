//! Real local peers for delivery tests: an SMTP server that speaks enough of the protocol for a client to send a
//! message, and an HTTP receiver that records requests and answers with a fixed JSON body.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One message as the SMTP server received it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// the DATA section, headers and body, as sent
    pub data: String,
}

pub struct SmtpServer {
    pub port: u16,
    pub mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind SMTP");
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let store = mails.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let store = store.clone();
                std::thread::spawn(move || smtp_session(stream, &store));
            }
        });
        SmtpServer { port, mails }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

fn smtp_session(stream: TcpStream, store: &Mutex<Vec<Mail>>) {
    let mut writer = stream.try_clone().expect("clone");
    let mut reader = BufReader::new(stream);
    let mut reply = |text: &str| writer.write_all(text.as_bytes()).is_ok();
    if !reply("220 loopdesk-test ESMTP\r\n") {
        return;
    }
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        let ok = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            reply("250-loopdesk-test\r\n250 8BITMIME\r\n")
        } else if upper.starts_with("MAIL FROM:") {
            from = command[10..].trim().trim_matches(['<', '>']).to_string();
            reply("250 OK\r\n")
        } else if upper.starts_with("RCPT TO:") {
            to.push(command[8..].trim().trim_matches(['<', '>']).to_string());
            reply("250 OK\r\n")
        } else if upper == "DATA" {
            if !reply("354 go ahead\r\n") {
                return;
            }
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            store.lock().unwrap().push(Mail { from: from.clone(), to: std::mem::take(&mut to), data });
            reply("250 queued\r\n")
        } else if upper == "QUIT" {
            let _ = reply("221 bye\r\n");
            return;
        } else {
            reply("250 OK\r\n")
        };
        if !ok {
            return;
        }
    }
}

/// One request as the HTTP receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    /// path and query
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

pub struct HttpReceiver {
    pub port: u16,
    pub requests: Arc<Mutex<Vec<Received>>>,
    /// what to answer, by path prefix (default `{"errcode": 0}` with 200)
    pub answers: Arc<Mutex<Vec<(String, u16, String)>>>,
}

impl HttpReceiver {
    pub fn start() -> HttpReceiver {
        Self::on(TcpListener::bind("127.0.0.1:0").expect("bind HTTP"))
    }

    /// A receiver on a port chosen before (one that was down).
    pub fn start_on(port: u16) -> HttpReceiver {
        Self::on(TcpListener::bind(("127.0.0.1", port)).expect("bind HTTP on the old port"))
    }

    fn on(listener: TcpListener) -> HttpReceiver {
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let answers: Arc<Mutex<Vec<(String, u16, String)>>> = Arc::new(Mutex::new(Vec::new()));
        let (store, rules) = (requests.clone(), answers.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (store, rules) = (store.clone(), rules.clone());
                std::thread::spawn(move || http_exchange(stream, &store, &rules));
            }
        });
        HttpReceiver { port, requests, answers }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn answer(&self, path_prefix: &str, status: u16, body: &str) {
        self.answers.lock().unwrap().push((path_prefix.into(), status, body.into()));
    }

    pub fn requests(&self) -> Vec<Received> {
        self.requests.lock().unwrap().clone()
    }
}

fn http_exchange(stream: TcpStream, store: &Mutex<Vec<Received>>, answers: &Mutex<Vec<(String, u16, String)>>) {
    let mut writer = stream.try_clone().expect("clone");
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.trim_end().split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let (status, answer) = answers
        .lock()
        .unwrap()
        .iter()
        .find(|(prefix, ..)| target.starts_with(prefix.as_str()))
        .map(|(_, s, b)| (*s, b.clone()))
        .unwrap_or((200, r#"{"errcode":0,"errmsg":"ok"}"#.to_string()));
    store.lock().unwrap().push(Received { target, headers, body });
    let response = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
    let _ = writer.write_all(response.as_bytes());
}
