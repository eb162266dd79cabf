//! Interned strings. Each distinct string is stored once, for the life of the process, packed into
//! shared chunks behind an 8-byte header (hash, length); a [`Name`] is one pointer, so copies,
//! comparisons and hashing cost no more than an integer's.

use std::alloc::{Layout, alloc, handle_alloc_error};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ptr::NonNull;
use std::sync::{Mutex, PoisonError};

#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Name(NonNull<Header>);

/// Precedes the string's bytes in a chunk.
#[repr(C)]
struct Header {
    hash: u32,
    len: u32,
}

const HEADER: usize = size_of::<Header>();
const ALIGN: usize = align_of::<Header>();

// A name points to immutable bytes that are never freed.
unsafe impl Send for Name {}
unsafe impl Sync for Name {}

impl Name {
    pub fn new(text: &str) -> Name {
        let hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
        let shard = &SHARDS[(hash >> (64 - SHARD_BITS)) as usize];
        shard.lock().unwrap_or_else(PoisonError::into_inner).intern(hash as u32, text)
    }

    pub fn as_str(&self) -> &'static str {
        // SAFETY: the header and its `len` bytes of UTF-8 were written once by `Shard::store` and
        // are never changed or freed.
        unsafe {
            let header = self.0.as_ptr();
            let bytes = std::slice::from_raw_parts(header.cast::<u8>().add(HEADER), (*header).len as usize);
            std::str::from_utf8_unchecked(bytes)
        }
    }

    fn stored_hash(self) -> u32 {
        // SAFETY: as in `as_str`.
        unsafe { (*self.0.as_ptr()).hash }
    }
}

const SHARD_BITS: u32 = 5;
static SHARDS: [Mutex<Shard>; 1 << SHARD_BITS] = [const { Mutex::new(Shard::EMPTY) }; 1 << SHARD_BITS];

/// Names are written into chunks of this size; longer ones get an allocation of their own.
const CHUNK: usize = 16 << 10;

/// An open-addressing set of names and the chunk being filled. Probes run over the hashes alone
/// (linear probing; 0 marks a free slot), so only a matching hash leads to a name's bytes.
struct Shard {
    hashes: Vec<u32>,
    names: Vec<Option<Name>>,
    len: usize,
    free: *mut u8,
    left: usize,
}

// The raw pointer is into a chunk only this shard writes, under its lock.
unsafe impl Send for Shard {}

impl Shard {
    const EMPTY: Shard = Shard { hashes: Vec::new(), names: Vec::new(), len: 0, free: std::ptr::null_mut(), left: 0 };

    fn intern(&mut self, hash: u32, text: &str) -> Name {
        let hash = hash.max(1);
        // At most four fifths full: probes stay short (they compare hashes alone), tables stay small.
        if (self.len + 1) * 5 > self.hashes.len() * 4 {
            self.grow();
        }
        let mask = self.hashes.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            match self.hashes[slot] {
                0 => {
                    let name = self.store(hash, text);
                    self.hashes[slot] = hash;
                    self.names[slot] = Some(name);
                    self.len += 1;
                    return name;
                }
                seen if seen == hash
                    && let Some(name) = self.names[slot]
                    && name.as_str() == text =>
                {
                    return name;
                }
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let size = (self.hashes.len() * 2).max(256);
        let hashes = std::mem::replace(&mut self.hashes, vec![0; size]);
        let names = std::mem::replace(&mut self.names, vec![None; size]);
        let mask = size - 1;
        for (hash, name) in hashes.into_iter().zip(names).filter(|(hash, _)| *hash != 0) {
            let mut slot = hash as usize & mask;
            while self.hashes[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.hashes[slot] = hash;
            self.names[slot] = name;
        }
    }

    fn store(&mut self, hash: u32, text: &str) -> Name {
        let len = u32::try_from(text.len()).expect("a name longer than 4 GiB");
        let size = (HEADER + text.len()).next_multiple_of(ALIGN);
        let at = if size > CHUNK / 4 {
            allocate(size)
        } else {
            if size > self.left {
                // The rest of the old chunk stays unused (less than a quarter of a chunk).
                self.free = allocate(CHUNK);
                self.left = CHUNK;
            }
            let at = self.free;
            // SAFETY: `size <= self.left` bytes remain in the chunk.
            self.free = unsafe { self.free.add(size) };
            self.left -= size;
            at
        };
        // SAFETY: `at` is aligned for `Header` and has room for the header and the bytes.
        unsafe {
            at.cast::<Header>().write(Header { hash, len });
            std::ptr::copy_nonoverlapping(text.as_ptr(), at.add(HEADER), text.len());
            Name(NonNull::new_unchecked(at.cast::<Header>()))
        }
    }
}

/// Memory that is never freed, aligned for headers.
fn allocate(size: usize) -> *mut u8 {
    let layout = Layout::from_size_align(size, ALIGN).expect("a chunk layout");
    // SAFETY: the layout's size is not zero (it holds at least a header).
    let at = unsafe { alloc(layout) };
    if at.is_null() {
        handle_alloc_error(layout);
    }
    at
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Default for Name {
    fn default() -> Name {
        Name::new("")
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name::new(text)
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        Name::new(&text)
    }
}

impl From<&String> for Name {
    fn from(text: &String) -> Name {
        Name::new(text)
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// By the stored hash: a hash of the string's bytes, the same in every run.
impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u32(self.stored_hash());
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Name, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Name, E> {
                Ok(Name::new(text))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_are_one_name_and_different_ones_are_not() {
        let a = Name::new("asyncio.sleep");
        let b = Name::new(&(String::from("asyncio.") + "sleep"));
        assert_eq!(a, b);
        assert_eq!(a.as_str().as_ptr(), b.as_str().as_ptr());
        assert_ne!(a, Name::new("asyncio.sleeps"));
        assert_ne!(a, Name::new("asyncio.slee"));
        assert_eq!(Name::new(""), Name::new(""));
        assert_eq!(Name::new("").as_str(), "");
        assert_eq!(Name::new("é::ü").as_str(), "é::ü");
    }

    #[test]
    fn names_survive_growth_and_long_strings_get_their_own_memory() {
        let texts: Vec<String> = (0..20_000).map(|i| format!("module{i}.function_{}", i * 7)).collect();
        let names: Vec<Name> = texts.iter().map(|t| Name::new(t)).collect();
        let long = "x".repeat(CHUNK * 2);
        let long_name = Name::new(&long);
        for (text, name) in texts.iter().zip(&names) {
            assert_eq!(name.as_str(), text);
            assert_eq!(Name::new(text), *name);
        }
        assert_eq!(long_name.as_str(), long);
        assert_eq!(Name::new(&long), long_name);
    }

    #[test]
    fn threads_interning_the_same_strings_agree() {
        let texts: Vec<String> = (0..2_000).map(|i| format!("shared.name{i}")).collect();
        let runs: Vec<Vec<Name>> = std::thread::scope(|scope| {
            let handles: Vec<_> =
                (0..4).map(|_| scope.spawn(|| texts.iter().map(|t| Name::new(t)).collect::<Vec<_>>())).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(runs.iter().all(|run| run == &runs[0]));
    }

    #[test]
    fn order_is_the_strings_and_hash_is_the_same_for_equal_names() {
        let (a, b) = (Name::new("a.b"), Name::new("a.c"));
        assert!(a < b);
        let hash = |n: Name| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            n.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(a), hash(Name::new("a.b")));
    }

    #[test]
    fn serialises_as_a_string() {
        let name = Name::new("tokio::time::sleep");
        let json = serde_json::to_string(&name).unwrap();
        assert_eq!(json, "\"tokio::time::sleep\"");
        assert_eq!(serde_json::from_str::<Name>(&json).unwrap(), name);
        let bytes = postcard::to_stdvec(&name).unwrap();
        assert_eq!(postcard::from_bytes::<Name>(&bytes).unwrap(), name);
    }
}
