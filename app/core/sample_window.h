// The newest samples of a run, up to a fixed capacity, addressed by their index from the start
// of the run.
//
// A replay or live run can go on for hours, and keeping every sample would make memory grow for
// as long as it runs. SampleWindow keeps the newest `capacity()` samples in a ring: once it is
// full, each new sample replaces the oldest. Indices stay those of the whole run, so a consumer
// that remembers "I have read up to sample 41,200" keeps its place after older samples are gone.
// Valid indices are firstIndex() to endIndex() - 1.
//
// A consumer that must see every sample (an event detector, a running average) reads the new
// ones each time samples are appended. appendAll() hands a large batch over in pieces no larger
// than the capacity and announces each piece, so such a consumer misses none.
//
// Not thread-safe: use one from a single thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <vector>

#include "goflow/sim/engine.hpp"

namespace goflow::app {

class SampleWindow {
  public:
    // 10,000 samples are 1,000 s at the usual 100 ms interval, about 2.5 MB at the 253 B a
    // sample that the hour-replay benchmark measures. The charts' window is the same size.
    static constexpr std::size_t kDefaultCapacity = 10'000;

    explicit SampleWindow(std::size_t capacity = kDefaultCapacity);

    class const_iterator {
      public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = goflow::sim::Sample;
        using difference_type = std::ptrdiff_t;
        using pointer = const goflow::sim::Sample*;
        using reference = const goflow::sim::Sample&;

        const_iterator() = default;
        reference operator*() const { return (*m_window)[m_index]; }
        pointer operator->() const { return &(*m_window)[m_index]; }
        reference operator[](difference_type n) const { return *(*this + n); }
        const_iterator& operator++() {
            ++m_index;
            return *this;
        }
        const_iterator operator++(int) {
            const_iterator old = *this;
            ++m_index;
            return old;
        }
        const_iterator& operator--() {
            --m_index;
            return *this;
        }
        const_iterator operator--(int) {
            const_iterator old = *this;
            --m_index;
            return old;
        }
        const_iterator& operator+=(difference_type n) {
            m_index = static_cast<std::size_t>(static_cast<difference_type>(m_index) + n);
            return *this;
        }
        const_iterator& operator-=(difference_type n) { return *this += -n; }
        friend const_iterator operator+(const_iterator it, difference_type n) { return it += n; }
        friend const_iterator operator+(difference_type n, const_iterator it) { return it += n; }
        friend const_iterator operator-(const_iterator it, difference_type n) { return it -= n; }
        friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
            return static_cast<difference_type>(a.m_index) -
                   static_cast<difference_type>(b.m_index);
        }
        friend bool operator==(const const_iterator& a, const const_iterator& b) {
            return a.m_index == b.m_index;
        }
        friend auto operator<=>(const const_iterator& a, const const_iterator& b) {
            return a.m_index <=> b.m_index;
        }
        // The run-wide index of the sample this iterator points at.
        [[nodiscard]] std::size_t index() const { return m_index; }

      private:
        friend class SampleWindow;
        const_iterator(const SampleWindow* window, std::size_t index)
            : m_window(window), m_index(index) {}

        const SampleWindow* m_window = nullptr;
        std::size_t m_index = 0;
    };

    [[nodiscard]] std::size_t capacity() const { return m_capacity; }
    // Index of the oldest sample kept, or endIndex() when none is kept.
    [[nodiscard]] std::size_t firstIndex() const { return m_end - m_ring.size(); }
    // Number of samples appended since the last clear(): one past the newest sample's index.
    [[nodiscard]] std::size_t endIndex() const { return m_end; }
    // Number of samples kept.
    [[nodiscard]] std::size_t size() const { return m_ring.size(); }
    [[nodiscard]] bool empty() const { return m_ring.empty(); }

    // The sample with run-wide index `index`, which must be from firstIndex() to endIndex() - 1.
    [[nodiscard]] const goflow::sim::Sample& operator[](std::size_t index) const {
        return m_ring[index % m_capacity];
    }
    [[nodiscard]] const goflow::sim::Sample& front() const { return (*this)[firstIndex()]; }
    [[nodiscard]] const goflow::sim::Sample& back() const { return (*this)[m_end - 1]; }

    // Iterates over the samples kept, oldest first.
    [[nodiscard]] const_iterator begin() const { return {this, firstIndex()}; }
    [[nodiscard]] const_iterator end() const { return {this, m_end}; }

    // Drops every sample and starts the indices at 0 again. Keeps the ring's memory.
    void clear();
    // Appends one sample. When the window is full, the oldest is dropped.
    void append(goflow::sim::Sample sample);
    // Appends `samples` in pieces of at most capacity() samples and calls
    // `announce(first, count)` after each piece with the run-wide index of its first sample.
    // When `announce` returns false the remaining samples are dropped, because the consumer
    // stopped or restarted the run.
    template <typename Announce>
    void appendAll(std::vector<goflow::sim::Sample>&& samples, Announce&& announce);
    // Copies the samples kept, oldest first.
    [[nodiscard]] std::vector<goflow::sim::Sample> toVector() const;

  private:
    std::size_t m_capacity;
    std::vector<goflow::sim::Sample> m_ring;  // sample i is at i % m_capacity
    std::size_t m_end = 0;
};

template <typename Announce>
void SampleWindow::appendAll(std::vector<goflow::sim::Sample>&& samples, Announce&& announce) {
    std::size_t next = 0;
    while (next < samples.size()) {
        const std::size_t first = m_end;
        const std::size_t stop = std::min(samples.size(), next + m_capacity);
        for (; next < stop; ++next) {
            append(std::move(samples[next]));
        }
        if (!announce(first, m_end - first)) {
            return;
        }
    }
}

}  // namespace goflow::app
