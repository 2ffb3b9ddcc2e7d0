#include "chat/commands/pdp.h"

namespace uclink::chat {

std::optional<CommandError> CheckCid(int cid, std::string_view section) {
  return CheckRange(cid, kMinCid, kMaxCid, "<cid>", section);
}

std::optional<CommandError> CheckApn(std::string_view apn) {
  return CheckText(apn, TextStyle::kQuoted, {"<APN>", kMaxApn, "§2.11", true});
}

namespace {

// Decoders accept any cid 0–255: other firmware reports more contexts (docs/at-commands.md,
// "Answers from other firmware: +CGACT"), and a wrong cid is the caller's question, not a parse
// failure.
Result<int> DecodeCid(const AtArg& arg) {
  auto cid = ParseInt(arg, 0, 255, "<cid>");
  if (!cid) return cid.error();
  return static_cast<int>(*cid);
}

Result<std::string> EncodeQos(std::string_view name, std::string_view section,
                              const QosProfile& q) {
  if (auto e = CheckCid(q.cid, section)) return *e;
  if (auto e = CheckRange(q.precedence, 0, 3, "<precedence>", section)) return *e;
  if (auto e = CheckRange(q.delay, 0, 4, "<delay>", section)) return *e;
  if (auto e = CheckRange(q.reliability, 0, 5, "<reliability>", section)) return *e;
  if (auto e = CheckRange(q.peak, 0, 9, "<peak>", section)) return *e;
  if (q.mean != 31) {
    if (auto e = CheckRange(q.mean, 0, 18, "<mean> (or 31)", section)) return *e;
  }
  return CommandText(name)
      .Int(q.cid)
      .Int(q.precedence)
      .Int(q.delay)
      .Int(q.reliability)
      .Int(q.peak)
      .Int(q.mean)
      .Take();
}

Result<QosProfile> DecodeQos(std::string_view line, std::initializer_list<std::string_view> names) {
  auto args = ParseInfo(line, names, 1, 6);
  if (!args) return args.error();
  QosProfile q;
  auto cid = DecodeCid((*args)[0]);
  if (!cid) return cid.error();
  q.cid = *cid;
  struct Field {
    int* out;
    int max;
    const char* what;
  };
  const Field fields[] = {{&q.precedence, 3, "<precedence>"},
                          {&q.delay, 4, "<delay>"},
                          {&q.reliability, 5, "<reliability>"},
                          {&q.peak, 9, "<peak>"},
                          {&q.mean, 31, "<mean>"}};
  for (std::size_t i = 1; i < args->size(); ++i) {
    const Field& f = fields[i - 1];
    auto v = ParseOptionalInt((*args)[i], 0, f.max, f.what);
    if (!v) return v.error();
    *f.out = v->value_or(0);
  }
  if (q.mean > 18 && q.mean != 31) {
    return MakeError(CommandErrc::kOutOfRange, "<mean>: not 0..18 or 31 (UC8088 manual §2.12)");
  }
  return q;
}

}  // namespace

Result<std::string> EncodeCgatt(int state) {
  if (auto e = CheckRange(state, 0, 1, "<state>", "§2.9")) return *e;
  return CommandText("+CGATT").Int(state).Take();
}

Result<bool> DecodeCgatt(std::string_view line) {
  auto args = ParseInfo(line, {"CGATT"}, 1, 1);
  if (!args) return args.error();
  auto state = ParseInt((*args)[0], 0, 1, "<state>");
  if (!state) return state.error();
  return *state == 1;
}

Result<std::string> EncodeCgact(int state, std::span<const int> cids) {
  if (auto e = CheckRange(state, 0, 1, "<state>", "§2.10")) return *e;
  CommandText cmd("+CGACT");
  cmd.Int(state);
  for (int cid : cids) {
    if (auto e = CheckCid(cid, "§2.10.2")) return *e;
    cmd.Int(cid);
  }
  return cmd.Take();
}

Result<PdpActivation> DecodeCgact(std::string_view line) {
  auto args = ParseInfo(line, {"CGACT"}, 2, 2);
  if (!args) return args.error();
  auto cid = DecodeCid((*args)[0]);
  if (!cid) return cid.error();
  auto state = ParseInt((*args)[1], 0, 1, "<state>");
  if (!state) return state.error();
  return PdpActivation{*cid, *state == 1};
}

std::string_view ToString(PdpType type) {
  switch (type) {
    case PdpType::kIp:
      return "IP";
    case PdpType::kIpv6:
      return "IPV6";
    case PdpType::kPpp:
      return "PPP";
    case PdpType::kX25:
      return "X.25";
    case PdpType::kOspih:
      return "OSPIH";
  }
  return "IP";
}

std::optional<PdpType> PdpTypeFromString(std::string_view text) {
  for (PdpType t : {PdpType::kIp, PdpType::kIpv6, PdpType::kPpp, PdpType::kX25, PdpType::kOspih}) {
    if (EqualsIgnoreCase(text, ToString(t))) return t;
  }
  return std::nullopt;
}

Result<std::string> EncodeCgdcont(const PdpContextRequest& r) {
  if (auto e = CheckCid(r.cid, "§2.11")) return *e;
  if (auto e = CheckApn(r.apn)) return *e;
  if (auto e = CheckText(r.address, TextStyle::kQuoted, {"<PDP_addr>", 64, "§2.11", true})) {
    return *e;
  }
  CommandText cmd("+CGDCONT");
  cmd.Int(r.cid).Quoted(ToString(r.type));
  bool compression = r.d_comp || r.h_comp;
  if (!r.apn.empty() || !r.address.empty() || compression) cmd.Quoted(r.apn);
  if (!r.address.empty() || compression) cmd.Quoted(r.address);
  if (compression) {
    int d = r.d_comp.value_or(0);
    int h = r.h_comp.value_or(0);
    if (auto e = CheckRange(d, 0, 2, "<d_comp>", "§2.11")) return *e;
    if (auto e = CheckRange(h, 0, 3, "<h_comp>", "§2.11")) return *e;
    cmd.Int(d).Int(h);
  }
  return cmd.Take();
}

Result<PdpContext> DecodeCgdcont(std::string_view line) {
  auto args = ParseInfo(line, {"CGDCONT"}, 2, kMaxArgs);
  if (!args) return args.error();
  if ((*args)[0].kind == ArgKind::kList) {
    return MakeError(CommandErrc::kMalformed, "a test answer, not a defined context");
  }
  PdpContext ctx;
  auto cid = DecodeCid((*args)[0]);
  if (!cid) return cid.error();
  ctx.cid = *cid;
  ctx.type = std::string((*args)[1].text);
  if (ctx.type.empty()) return MakeError(CommandErrc::kMissingField, "<PDP_type>");
  if (args->size() > 2) ctx.apn = std::string((*args)[2].text);
  if (args->size() > 3) ctx.address = std::string((*args)[3].text);
  if (args->size() > 4) {
    auto d = ParseOptionalInt((*args)[4], 0, 2, "<d_comp>");
    if (!d) return d.error();
    if (*d) ctx.d_comp = static_cast<int>(**d);
  }
  if (args->size() > 5) {
    auto h = ParseOptionalInt((*args)[5], 0, 3, "<h_comp>");
    if (!h) return h.error();
    if (*h) ctx.h_comp = static_cast<int>(**h);
  }
  return ctx;
}

Result<PdpSupport> DecodeCgdcontTest(std::string_view line) {
  auto args = ParseInfo(line, {"CGDCONT"}, 2, 6);
  if (!args) return args.error();
  const auto& a = *args;
  PdpSupport s;
  if (a[0].kind != ArgKind::kList && !a[0].empty()) {
    return MakeError(CommandErrc::kMalformed, "a defined context, not a test answer");
  }
  auto cids = ParseRangeList(a[0].text, "<cid> range");
  if (!cids) return cids.error();
  s.cids = std::move(*cids);
  std::string_view type = a[1].text;
  if (a[1].kind == ArgKind::kList) {  // ("IP") in phonesim
    auto inner = SplitArgs(type);
    if (!inner || inner->size() != 1) return MakeError(CommandErrc::kMalformed, "<PDP_type>");
    type = (*inner)[0].text;
  }
  s.type = std::string(type);
  if (a.size() > 4) {
    auto d = ParseRangeList(a[4].text, "<d_comp> list");
    if (!d) return d.error();
    s.d_comp = std::move(*d);
  }
  if (a.size() > 5) {
    auto h = ParseRangeList(a[5].text, "<h_comp> list");
    if (!h) return h.error();
    s.h_comp = std::move(*h);
  }
  return s;
}

Result<std::string> EncodeCgqreq(const QosProfile& qos) {
  return EncodeQos("+CGQREQ", "§2.12", qos);
}

Result<std::string> EncodeCgqmin(const QosProfile& qos) {
  return EncodeQos("+CGQMIN", "§2.13", qos);
}

Result<QosProfile> DecodeCgqreq(std::string_view line) {
  // manual §2.12.4 spells the command AT+CGQRE in its example; the answers say +CGQREQ.
  return DecodeQos(line, {"CGQREQ", "CGQRE"});
}

Result<QosProfile> DecodeCgqmin(std::string_view line) { return DecodeQos(line, {"CGQMIN"}); }

Result<std::string> EncodeCgpaddr(std::span<const int> cids) {
  if (cids.empty()) return std::string("AT+CGPADDR=");
  CommandText cmd("+CGPADDR");
  for (int cid : cids) {
    if (auto e = CheckCid(cid, "§2.14")) return *e;
    cmd.Int(cid);
  }
  return cmd.Take();
}

Result<PdpAddress> DecodeCgpaddr(std::string_view line) {
  auto args = ParseInfo(line, {"CGPADDR"}, 1, 2);
  if (!args) return args.error();
  if ((*args)[0].kind == ArgKind::kList) {
    return MakeError(CommandErrc::kMalformed, "a test answer, not an address");
  }
  auto cid = DecodeCid((*args)[0]);
  if (!cid) return cid.error();
  PdpAddress addr{*cid, {}};
  if (args->size() == 2) {
    if ((*args)[1].kind == ArgKind::kList) return MakeError(CommandErrc::kMalformed, "<PDP_addr>");
    addr.address = std::string((*args)[1].text);
  }
  return addr;
}

Result<std::string> EncodeCgdata(int cid) {
  if (auto e = CheckCid(cid, "§2.16")) return *e;
  return CommandText("+CGDATA").Quoted("PPP").Int(cid).Take();
}

Result<std::vector<std::string>> DecodeCgdataTest(std::string_view line) {
  auto supported = DecodeSupported(line, {"CGDATA"});
  if (!supported) return supported.error();
  if (supported->params.size() != 1 || supported->params[0].words.empty()) {
    return MakeError(CommandErrc::kMalformed, "expected a list of <L2P> names");
  }
  return std::move(supported->params[0].words);
}

}  // namespace uclink::chat
