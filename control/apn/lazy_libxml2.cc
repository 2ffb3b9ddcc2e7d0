// libxml2's functions that the provider-database parser calls, loaded on first use like libcurl
// and libmosquitto (control/native/lazy_library.h): linked normally, libxml2 maps ICU (a 30 MB
// data library), liblzma and zlib into every `uclink` and `uclinkd` start, although only
// network.apn = "auto" ever parses XML. provider_db.cc reads nodes and attributes through the
// tree's own fields, so these five calls are all it needs.
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "control/native/lazy_library.h"

namespace {
uclink::control::native::LazyLibrary libxml2("libxml2.so.2");
}  // namespace

extern "C" {

xmlParserCtxtPtr xmlNewParserCtxt(void) {
  UCLINK_LAZY_SYMBOL(libxml2, xmlNewParserCtxt);
  return real != nullptr ? real() : nullptr;
}

void xmlFreeParserCtxt(xmlParserCtxtPtr ctxt) {
  UCLINK_LAZY_SYMBOL(libxml2, xmlFreeParserCtxt);
  if (real != nullptr) real(ctxt);
}

xmlDocPtr xmlCtxtReadMemory(xmlParserCtxtPtr ctxt, const char* buffer, int size, const char* url,
                            const char* encoding, int options) {
  UCLINK_LAZY_SYMBOL(libxml2, xmlCtxtReadMemory);
  return real != nullptr ? real(ctxt, buffer, size, url, encoding, options) : nullptr;
}

void xmlFreeDoc(xmlDocPtr doc) {
  UCLINK_LAZY_SYMBOL(libxml2, xmlFreeDoc);
  if (real != nullptr) real(doc);
}

xmlErrorPtr xmlCtxtGetLastError(void* ctxt) {
  UCLINK_LAZY_SYMBOL(libxml2, xmlCtxtGetLastError);
  return real != nullptr ? real(ctxt) : nullptr;
}

}  // extern "C"

namespace uclink::control::apn {

std::string LibxmlLoadError() { return libxml2.error(); }

}  // namespace uclink::control::apn
