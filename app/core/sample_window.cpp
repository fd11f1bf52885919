#include "sample_window.h"

#include <algorithm>
#include <utility>

namespace goflow::app {

SampleWindow::SampleWindow(std::size_t capacity) : m_capacity(std::max<std::size_t>(capacity, 1)) {}

void SampleWindow::clear() {
    m_ring.clear();
    m_end = 0;
}

void SampleWindow::append(goflow::sim::Sample sample) {
    if (m_ring.size() < m_capacity) {
        if (m_ring.capacity() < m_capacity) {
            m_ring.reserve(m_capacity);  // one allocation instead of the vector's doublings
        }
        m_ring.push_back(std::move(sample));
    } else {
        m_ring[m_end % m_capacity] = std::move(sample);
    }
    ++m_end;
}

std::vector<goflow::sim::Sample> SampleWindow::toVector() const {
    return {begin(), end()};
}

}  // namespace goflow::app
