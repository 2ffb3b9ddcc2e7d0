#include "control/apn/provider_db.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <climits>
#include <cstring>
#include <memory>
#include <optional>

namespace uclink::control::apn {
namespace {

struct DocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct CtxtFree {
  void operator()(xmlParserCtxt* ctxt) const { xmlFreeParserCtxt(ctxt); }
};

bool Is(const xmlNode* node, const char* name) {
  return node->type == XML_ELEMENT_NODE &&
         std::strcmp(reinterpret_cast<const char*>(node->name), name) == 0;
}

// The text and CDATA children of an element or attribute. Entity references are not followed
// (the file defines none; see the DTD check in ParseProviderDb).
std::string Content(const xmlNode* first) {
  std::string text;
  for (const xmlNode* child = first; child != nullptr; child = child->next) {
    if ((child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) &&
        child->content != nullptr) {
      text += reinterpret_cast<const char*>(child->content);
    }
  }
  return text;
}

// An attribute without namespace (`ns` null) or in the XML namespace (xml:lang); read from the
// tree itself, so no libxml2 allocation needs freeing (lazy_libxml2.cc).
const xmlAttr* FindAttribute(const xmlNode* node, const char* name, bool xml_namespace = false) {
  for (const xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
    if (std::strcmp(reinterpret_cast<const char*>(attr->name), name) != 0) continue;
    const bool in_xml = attr->ns != nullptr && attr->ns->href != nullptr &&
                        std::strcmp(reinterpret_cast<const char*>(attr->ns->href),
                                    reinterpret_cast<const char*>(XML_XML_NAMESPACE)) == 0;
    if (xml_namespace ? in_xml : attr->ns == nullptr) return attr;
  }
  return nullptr;
}

std::string Attribute(const xmlNode* node, const char* name) {
  const xmlAttr* attr = FindAttribute(node, name);
  return attr != nullptr ? Content(attr->children) : std::string();
}

std::string Text(const xmlNode* node) {
  const std::string text = Content(node->children);
  // The file indents nothing inside these elements, but trim in case a copy does.
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

bool HasLang(const xmlNode* node) { return FindAttribute(node, "lang", true) != nullptr; }

// <apn value="..."> with <usage type="internet"/>: only those are connection candidates (the
// others are MMS or operator-specific services).
std::optional<ApnEntry> InternetApn(const xmlNode* apn) {
  ApnEntry entry;
  entry.apn = Attribute(apn, "value");
  bool internet = false;
  for (const xmlNode* child = apn->children; child != nullptr; child = child->next) {
    if (Is(child, "usage")) {
      internet = internet || Attribute(child, "type") == "internet";
    } else if (Is(child, "username")) {
      entry.username = Text(child);
    } else if (Is(child, "password")) {
      entry.password = Text(child);
    } else if (Is(child, "authentication")) {
      entry.auth = Attribute(child, "method");
    }
  }
  if (!internet) return std::nullopt;
  return entry;
}

Provider ReadProvider(const xmlNode* node) {
  Provider provider;
  bool plain_name = false;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (Is(child, "name")) {
      // Prefer the name without xml:lang (the operator's own), else the first one.
      if (!plain_name && (provider.name.empty() || !HasLang(child))) {
        provider.name = Text(child);
        plain_name = !HasLang(child);
      }
    } else if (Is(child, "gsm")) {
      for (const xmlNode* item = child->children; item != nullptr; item = item->next) {
        if (Is(item, "network-id")) {
          provider.networks.push_back({Attribute(item, "mcc"), Attribute(item, "mnc")});
        } else if (Is(item, "apn")) {
          if (std::optional<ApnEntry> entry = InternetApn(item)) {
            provider.internet.push_back(std::move(*entry));
          }
        }
      }
    }
  }
  return provider;
}

}  // namespace

ParsedDb ParseProviderDb(std::string_view xml) {
  ParsedDb result;
  if (xml.size() > kMaxDbBytes || xml.size() > static_cast<std::size_t>(INT_MAX)) {
    result.error = Errc::kDbTooLarge;
    result.detail = std::to_string(xml.size()) + " bytes";
    return result;
  }
  // A private parser context: errors are read from it, not printed to stderr, and libxml2's
  // global error state is not involved. No XML_PARSE_NOENT (no entity expansion), NONET.
  std::unique_ptr<xmlParserCtxt, CtxtFree> ctxt(xmlNewParserCtxt());
  if (!ctxt) {
    result.error = Errc::kDbMalformed;
    const std::string why = LibxmlLoadError();
    result.detail = why.empty() ? "libxml2 could not allocate a parser" : why;
    return result;
  }
  std::unique_ptr<xmlDoc, DocFree> doc(xmlCtxtReadMemory(
      ctxt.get(), xml.data(), static_cast<int>(xml.size()), "serviceproviders.xml", nullptr,
      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc || !ctxt->wellFormed) {
    result.error = Errc::kDbMalformed;
    const xmlError* error = xmlCtxtGetLastError(ctxt.get());
    if (error != nullptr && error->message != nullptr) {
      std::string message = error->message;
      while (!message.empty() && message.back() == '\n') message.pop_back();
      result.detail = "line " + std::to_string(error->line) + ": " + message;
    } else {
      result.detail = "not XML";
    }
    return result;
  }
  // serviceproviders.xml declares no entities; a file that does is not it, and expanding them
  // on attribute reads could multiply its size in memory ("billion laughs").
  if (doc->intSubset != nullptr && doc->intSubset->entities != nullptr) {
    result.error = Errc::kDbMalformed;
    result.detail = "the file declares entities; serviceproviders.xml has none";
    return result;
  }
  const xmlNode* root = doc->children;
  while (root != nullptr && root->type != XML_ELEMENT_NODE) root = root->next;
  if (root == nullptr || !Is(root, "serviceproviders")) {
    result.error = Errc::kDbMalformed;
    result.detail = "the root element is not <serviceproviders>";
    return result;
  }
  for (const xmlNode* country = root->children; country != nullptr; country = country->next) {
    if (!Is(country, "country")) continue;
    for (const xmlNode* node = country->children; node != nullptr; node = node->next) {
      if (Is(node, "provider")) result.db.providers.push_back(ReadProvider(node));
    }
  }
  return result;
}

}  // namespace uclink::control::apn
