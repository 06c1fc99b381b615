//! A fixed-capacity first-in, first-out ring of small copyable items (buffer indices,
//! file slots), usable in `const` initialisers.

/// Up to `N` items of `T`, oldest first.
#[derive(Clone, Copy)]
pub(crate) struct Fifo<T: Copy, const N: usize> {
    items: [T; N],
    head: u16,
    len: u16,
}

impl<T: Copy, const N: usize> Fifo<T, N> {
    /// An empty ring; `fill` only initialises the unused slots.
    pub(crate) const fn new(fill: T) -> Self {
        assert!(N > 0 && N <= u16::MAX as usize, "a ring holds between 1 and 65535 items");
        Self { items: [fill; N], head: 0, len: 0 }
    }

    /// Number of items held.
    pub(crate) fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Appends `item`; returns false (and drops nothing) when full.
    pub(crate) fn push(&mut self, item: T) -> bool {
        let len = usize::from(self.len);
        if len == N {
            return false;
        }
        if let Some(slot) = self.items.get_mut((usize::from(self.head) + len) % N) {
            *slot = item;
        }
        self.len += 1;
        true
    }

    /// Puts `item` back in front of the oldest one (undoing a `pop`); false when full.
    pub(crate) fn push_front(&mut self, item: T) -> bool {
        if usize::from(self.len) == N {
            return false;
        }
        let head = (usize::from(self.head) + N - 1) % N;
        if let Some(slot) = self.items.get_mut(head) {
            *slot = item;
        }
        self.head = head as u16;
        self.len += 1;
        true
    }

    /// Removes and returns the oldest item.
    pub(crate) fn pop(&mut self) -> Option<T> {
        let item = self.front()?;
        self.head = ((usize::from(self.head) + 1) % N) as u16;
        self.len -= 1;
        Some(item)
    }

    /// The oldest item, left in place.
    pub(crate) fn front(&self) -> Option<T> {
        self.items.get(usize::from(self.head)).copied().filter(|_| self.len > 0)
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
        assert!(fifo.push_front(3) && fifo.push_front(2));
        assert!(!fifo.push_front(1));
        assert_eq!((fifo.pop(), fifo.pop(), fifo.pop(), fifo.pop()), (Some(2), Some(3), Some(4), None));
        assert!(fifo.push_front(7));
        assert_eq!((fifo.front(), fifo.len()), (Some(7), 1));
        fifo.clear();
        assert_eq!(fifo.pop(), None);
    }
}
