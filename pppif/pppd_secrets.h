// How a PAP/CHAP password reaches pppd without a command line or a log: a root-only options file
// read with pppd's `file` option, holding pppd's own `password` option.
//
// Why not pap-secrets/chap-secrets: pppd reads them only from the fixed paths compiled into it
// (/etc/ppp/pap-secrets, /etc/ppp/chap-secrets, pppd(8) FILES); editing those shared files from
// a daemon races with the administrator, and a crash leaves our secret in them. `password` in a
// file given with `file` is private to one pppd process, works for both PAP and CHAP (pppd uses
// it when no secrets-file entry matches), and pppd marks the option hidden, so `dump` prints
// "??????" and `hide-password` (the default) keeps it out of PAP packet logs. The file lives in
// a 0700 directory created with mkdtemp and is 0600 (pppif/pppd_private_dir.h).
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace uclink::pppif {

/// The content of the secrets options file, or an error (nothing else to report: the text
/// must never be logged).
struct PppdSecretsText {
  std::string text;
  std::error_code error;
};

/// `password "<escaped>"` in pppd's options-file syntax (pppd(8) OPTIONS FILES: words are
/// whitespace-delimited, double quotes group, a backslash quotes the next character; a `#`
/// starts a comment outside quotes). Rejects passwords longer than pppd's MAXSECRETLEN - 1
/// (255) or with control characters, which the file syntax cannot carry reliably.
PppdSecretsText FormatPppdSecretsOptions(std::string_view password);

}  // namespace uclink::pppif
