// recycling_pool.hpp — a sequence of objects at stable addresses that keeps them, with the memory they hold, when it
// is cleared: the next record's objects reuse the last record's strings and vectors instead of allocating anew.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

namespace entitle {

/// `T` must be default-constructible with a `clear()` that empties it for reuse without giving back its memory (as
/// std::string's and std::vector's do).
template <typename T>
class RecyclingPool {
public:
  RecyclingPool() = default;
  RecyclingPool(RecyclingPool&&) noexcept = default;
  RecyclingPool& operator=(RecyclingPool&&) noexcept = default;
  RecyclingPool(const RecyclingPool&) = delete;
  RecyclingPool& operator=(const RecyclingPool&) = delete;

  /// A cleared object at the end: a kept one when there is one, else a new one.
  T& emplace_back() {
    if (size_ == kept_.size()) kept_.push_back(std::make_unique<T>());
    else kept_[size_]->clear();
    return *kept_[size_++];
  }
  template <typename V>
  T& push_back(V&& value) {
    T& t = emplace_back();
    t = std::forward<V>(value);
    return t;
  }
  /// Forgets the objects (their memory is kept for the next ones).
  void clear() { size_ = 0; }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return *kept_[i]; }
  const T& operator[](std::size_t i) const { return *kept_[i]; }
  T& front() { return *kept_[0]; }
  const T& front() const { return *kept_[0]; }
  T& back() { return *kept_[size_ - 1]; }
  const T& back() const { return *kept_[size_ - 1]; }

  template <typename P, typename R>
  class Iterator {
  public:
    explicit Iterator(P p) : p_(p) {}
    R operator*() const { return **p_; }
    auto* operator->() const { return &**p_; }
    Iterator& operator++() { ++p_; return *this; }
    bool operator!=(const Iterator& o) const { return p_ != o.p_; }
    bool operator==(const Iterator& o) const { return p_ == o.p_; }
  private:
    P p_;
  };
  using iterator = Iterator<typename std::vector<std::unique_ptr<T>>::iterator, T&>;
  using const_iterator = Iterator<typename std::vector<std::unique_ptr<T>>::const_iterator, const T&>;
  iterator begin() { return iterator(kept_.begin()); }
  iterator end() { return iterator(kept_.begin() + std::ptrdiff_t(size_)); }
  const_iterator begin() const { return const_iterator(kept_.begin()); }
  const_iterator end() const { return const_iterator(kept_.begin() + std::ptrdiff_t(size_)); }

private:
  std::vector<std::unique_ptr<T>> kept_;
  std::size_t size_ = 0;
};

}  // namespace entitle
