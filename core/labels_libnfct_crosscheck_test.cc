// core/labels.h against libnetfilter_conntrack's own parser (the oracle; a test-only link
// of the GPL library, never part of ctdump): for each tricky connlabel.conf, every bit's
// name from ParseLabelNames() equals nfct_labelmap_get_name(), and every name's bit
// equals nfct_labelmap_get_bit().

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "core/labels.h"
#include "gtest/gtest.h"

extern "C" {
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
}

namespace ctdump {
namespace {

const std::vector<std::string>& Files() {
  static const auto* files = new std::vector<std::string>{
      "0 zero\n1 one\n2 two\n",
      "# comment\n0\teth0-in\n1 one\n\n40   forty  \n128 big\n1023 last\n1024 over\nx bad\n7\n",
      "0x5 hex\n013 octal\n0X1f HEX\n08 eight\n",            // strtoul(, 0)
      "3 first\n3 second\n0x3 third\n",                       // the first definition wins
      "4 under_score\n5 dot.ted\n6 sp ace\n7 tab\there\n8 ok-name\n9 Caps9\n",
      "  10 leading\n+11 plus\n-0 minus-zero\n-1 minus-one\n12name\n13\tname \r\n",
      "#14 commented\n  # 15 not-a-comment\n16 # hash\n17 é\n",
      "18 a\n18\n19   \n20 trailing   \t\n",
      "99999999999999999999 huge\n0x 0x\n0 zero-wins\n0 zero-again\n",
      std::string("21 nul\0after\n22 b\n", 19),
      std::string(1100, '7') + "\n23 after-long\n" + std::string("24 ") + std::string(1030, 'x') +
          "\n25 z\n",
      "26 same\n27 same\n28 dup-name\n29 dup-name\n",
      "no newline at end 29\n30 end",
  };
  return *files;
}

TEST(LabelsCrosscheck, SameNamesAsLibnetfilterConntrack) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp != nullptr ? tmp : "/tmp") + "/connlabel.conf";
  int n = 0;
  for (const std::string& text : Files()) {
    ++n;
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    nfct_labelmap* map = nfct_labelmap_new(path.c_str());
    const LabelNames ours = ParseLabelNames(text);
    if (map == nullptr) {  // libnetfilter_conntrack's answer for "no label defined"
      for (const std::string& name : ours.by_bit) EXPECT_EQ(name, "") << "file " << n;
      continue;
    }
    for (unsigned bit = 0; bit < kLabelMapBits + 8; ++bit) {
      const char* theirs = nfct_labelmap_get_name(map, bit);
      const std::string want = theirs != nullptr ? theirs : "";
      const std::string got = bit < ours.by_bit.size() ? ours.by_bit[bit] : "";
      EXPECT_EQ(got, want) << "file " << n << ", bit " << bit;
      if (!want.empty()) {
        EXPECT_EQ(LabelBit(ours, want), nfct_labelmap_get_bit(map, want.c_str()))
            << "file " << n << ", name '" << want << "'";
      }
    }
    nfct_labelmap_destroy(map);
  }
}

}  // namespace
}  // namespace ctdump
