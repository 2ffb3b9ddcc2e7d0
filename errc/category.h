// The one shape of an error vocabulary (docs/CONVENTIONS.md, "Errors"): a package lists its
// errors once as X-macro rows (enumerator, wire name, meaning), builds its enum from them and
// hands the same rows to errc::Category, which answers ToString (the wire name), Describe (the
// meaning), the std::error_category and make_error_code. Only the table differs per package.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace uclink::errc {

/// One error of a package's list.
template <typename E>
struct Row {
  E code;
  const char* name;     ///< the stable wire name: status, JSON, logs
  const char* meaning;  ///< the one line a person reads
};

/// What message() says for a code: its meaning (the rule), the wire name alone (lists whose
/// message was always the name), or "name: meaning" (pppif's pppd backend, whose log lines are
/// searched by name).
enum class Message { kMeaning, kName, kNameAndMeaning };

/// A std::error_category over a table of rows. `offset` is added to the enumerator to make the
/// error_code value: 1 for lists whose first enumerator is 0 and is an error, because
/// std::error_code treats the value 0 as success (`if (ec)`); 0 where the list already starts at
/// 1 or at a kOk of 0.
template <typename E, std::size_t N>
class Category final : public std::error_category {
 public:
  constexpr Category(const char* name, std::array<Row<E>, N> rows, int offset = 0,
                     Message message = Message::kMeaning)
      : name_(name), rows_(rows), offset_(offset), message_(message) {}

  const char* name() const noexcept override { return name_; }

  std::string message(int value) const override {
    const Row<E>* row = Find(static_cast<E>(value - offset_));
    if (row == nullptr) return "unknown " + std::string(name_) + " error " + std::to_string(value);
    switch (message_) {
      case Message::kName:
        return row->name;
      case Message::kNameAndMeaning:
        return std::string(row->name) + ": " + row->meaning;
      case Message::kMeaning:
        break;
    }
    return row->meaning;
  }

  /// The wire name, or "unknown-error" for a value outside the list.
  const char* Name(E code) const {
    const Row<E>* row = Find(code);
    return row == nullptr ? "unknown-error" : row->name;
  }

  /// The meaning, or "unknown error" for a value outside the list.
  const char* Describe(E code) const {
    const Row<E>* row = Find(code);
    return row == nullptr ? "unknown error" : row->meaning;
  }

  /// The enumerator whose wire name is `name`; nullopt when no row has it.
  std::optional<E> Parse(std::string_view name) const {
    for (const Row<E>& row : rows_) {
      if (name == row.name) return row.code;
    }
    return std::nullopt;
  }

  std::error_code Make(E code) const { return {static_cast<int>(code) + offset_, *this}; }

 private:
  const Row<E>* Find(E code) const {
    for (const Row<E>& row : rows_) {
      if (row.code == code) return &row;
    }
    return nullptr;
  }

  const char* name_;
  std::array<Row<E>, N> rows_;
  int offset_;
  Message message_;
};

}  // namespace uclink::errc
