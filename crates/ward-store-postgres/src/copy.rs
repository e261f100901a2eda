//! Bulk loads with `COPY ... FROM STDIN (FORMAT binary)`.
//!
//! The binary format is a fixed header, then per row a 16-bit field count and each field as a
//! 32-bit length (-1 for NULL) followed by the value in PostgreSQL's binary send format, then a
//! 16-bit -1. Rows are encoded into a buffer that is handed to the server whenever it fills, so the
//! server inserts one part while the next is encoded; the server checks every value against the
//! column types exactly as for an INSERT, and constraints and triggers fire as usual.

use sqlx::PgConnection;
use uuid::Uuid;
use ward_store::StoreResult;

use crate::error::map_db_error;

/// Bytes buffered before they are sent.
const SEND_BYTES: usize = 1 << 20;
/// The signature, flags and header-extension length that open a binary COPY stream.
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// One binary COPY into a table, open on a connection until [`BinaryCopy::finish`].
pub(crate) struct BinaryCopy<'c> {
    copy: sqlx::postgres::PgCopyIn<&'c mut PgConnection>,
    buf: Vec<u8>,
}

impl<'c> BinaryCopy<'c> {
    /// Start `COPY <target> FROM STDIN (FORMAT binary)`; `target` is a table and column list
    /// written in this crate, never input.
    pub(crate) async fn start(conn: &'c mut PgConnection, target: &str) -> StoreResult<Self> {
        let copy = conn
            .copy_in_raw(&format!("COPY {target} FROM STDIN (FORMAT binary)"))
            .await
            .map_err(map_db_error)?;
        let mut buf = Vec::with_capacity(SEND_BYTES + 4096);
        buf.extend_from_slice(HEADER);
        Ok(Self { copy, buf })
    }

    /// Begin a row of `fields` values; send the buffer first if it is full.
    pub(crate) async fn row(&mut self, fields: i16) -> StoreResult<&mut Self> {
        if self.buf.len() >= SEND_BYTES {
            self.copy.send(self.buf.as_slice()).await.map_err(map_db_error)?;
            self.buf.clear();
        }
        self.buf.extend_from_slice(&fields.to_be_bytes());
        Ok(self)
    }

    fn field(&mut self, bytes: &[u8]) -> &mut Self {
        // Field lengths are at most a few kilobytes (names, versions), far below i32::MAX.
        let len = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
        self.buf.extend_from_slice(&len.to_be_bytes());
        self.buf.extend_from_slice(bytes);
        self
    }

    pub(crate) fn uuid(&mut self, v: &Uuid) -> &mut Self {
        self.field(v.as_bytes())
    }

    pub(crate) fn int8(&mut self, v: i64) -> &mut Self {
        self.field(&v.to_be_bytes())
    }

    pub(crate) fn int4(&mut self, v: i32) -> &mut Self {
        self.field(&v.to_be_bytes())
    }

    pub(crate) fn bool(&mut self, v: bool) -> &mut Self {
        self.field(&[u8::from(v)])
    }

    pub(crate) fn text(&mut self, v: &str) -> &mut Self {
        self.field(v.as_bytes())
    }

    pub(crate) fn opt_text(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.text(v),
            None => {
                self.buf.extend_from_slice(&(-1_i32).to_be_bytes());
                self
            }
        }
    }

    /// Send what is left and the trailer; the server's verdict on the whole load (constraint
    /// violations included) arrives here. Returns the number of rows loaded.
    pub(crate) async fn finish(mut self) -> StoreResult<u64> {
        self.buf.extend_from_slice(&(-1_i16).to_be_bytes());
        self.copy.send(self.buf.as_slice()).await.map_err(map_db_error)?;
        self.copy.finish().await.map_err(map_db_error)
    }
}
