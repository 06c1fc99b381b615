//! A fixed-capacity first-in, first-out ring of small copyable items (buffer indices,
//! file slots), usable in `const` initialisers.

/// Up to `N` items of `T`, oldest first.
#[derive(Clone, Copy)]
pub(crate) struct Fifo<T: Copy, const N: usize> {
    items: [T; N],
    head: usize,
    len: usize,
}

impl<T: Copy, const N: usize> Fifo<T, N> {
    /// An empty ring; `fill` only initialises the unused slots.
    pub(crate) const fn new(fill: T) -> Self {
        Self { items: [fill; N], head: 0, len: 0 }
    }

    /// Number of items held.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Appends `item`; returns false (and drops nothing) when full.
    pub(crate) fn push(&mut self, item: T) -> bool {
        if self.len == N {
            return false;
        }
        self.items[(self.head + self.len) % N] = item;
        self.len += 1;
        true
    }

    /// Removes and returns the oldest item.
    pub(crate) fn pop(&mut self) -> Option<T> {
        let item = self.front()?;
        self.head = (self.head + 1) % N;
        self.len -= 1;
        Some(item)
    }

    /// The oldest item, left in place.
    pub(crate) fn front(&self) -> Option<T> {
        (self.len > 0).then(|| self.items[self.head])
    }

    /// Forgets every item.
    pub(crate) fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::Fifo;

    #[test]
    fn keeps_order_across_wrap_and_refuses_overflow() {
        let mut fifo = Fifo::<u8, 3>::new(0);
        assert!(fifo.push(1) && fifo.push(2) && fifo.push(3));
        assert!(!fifo.push(4));
        assert_eq!(fifo.pop(), Some(1));
        assert!(fifo.push(4));
        assert_eq!((fifo.pop(), fifo.pop(), fifo.front(), fifo.len()), (Some(2), Some(3), Some(4), 1));
        fifo.clear();
        assert_eq!(fifo.pop(), None);
    }
}
