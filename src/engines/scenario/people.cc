#include "engines/scenario/people.h"

#include <array>

namespace lifeline::scenario {
namespace {

struct WeightedSurname {
  std::string_view surname;
  int per_ten_thousand;  // approximate share of China's population, 2020 registration figures
};

// The fifty most common surnames cover about 70% of China's people; enough for a city of
// synthetic residents to look familiar without reproducing anyone.
constexpr std::array<WeightedSurname, 50> kSurnames = {{
    {"王", 710}, {"李", 700}, {"张", 650}, {"刘", 540}, {"陈", 460}, {"杨", 310}, {"黄", 240},
    {"赵", 220}, {"吴", 200}, {"周", 190}, {"徐", 150}, {"孙", 150}, {"马", 150}, {"朱", 130},
    {"胡", 130}, {"郭", 120}, {"何", 120}, {"林", 110}, {"高", 110}, {"罗", 110}, {"郑", 100},
    {"梁", 90},  {"谢", 90},  {"宋", 80},  {"唐", 80},  {"许", 70},  {"韩", 70},  {"冯", 70},
    {"邓", 70},  {"曹", 70},  {"彭", 70},  {"曾", 60},  {"肖", 60},  {"田", 60},  {"董", 50},
    {"袁", 50},  {"潘", 50},  {"于", 50},  {"蒋", 50},  {"蔡", 50},  {"余", 50},  {"杜", 50},
    {"叶", 50},  {"程", 50},  {"苏", 40},  {"魏", 40},  {"吕", 40},  {"丁", 40},  {"任", 40},
    {"沈", 40},
}};

constexpr std::array<int, kSurnames.size()> kSurnameWeights = [] {
  std::array<int, kSurnames.size()> weights{};
  for (std::size_t index = 0; index < kSurnames.size(); ++index) {
    weights[index] = kSurnames[index].per_ten_thousand;
  }
  return weights;
}();

// Given-name characters that lean male, lean female, or are used for anyone.
constexpr std::array<std::string_view, 36> kMaleCharacters = {
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平",
    "辉", "鹏", "华", "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆",
    "帅", "旭", "宁", "龙", "林", "峰", "建", "国", "志", "博", "晨", "阳",
};
constexpr std::array<std::string_view, 36> kFemaleCharacters = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "英", "玲", "桂",
    "兰", "燕", "萍", "红", "琳", "婷", "雪", "慧", "颖", "洁", "佳", "倩",
    "怡", "欣", "梅", "琴", "云", "莉", "蓉", "晶", "妍", "思", "雨", "涵",
};
constexpr std::array<std::string_view, 12> kSharedCharacters = {
    "文", "晓", "海", "春", "小", "一", "嘉", "子", "天", "新", "玉", "永",
};

// About a third of given names have one character; the rest two.
constexpr int kSingleCharacterNamePerMille = 330;
// How often the first of two characters comes from the shared pool rather than the sex's.
constexpr int kSharedFirstCharacterPerMille = 400;

// Mainland mobile prefixes of the 13x, 15x and 18x ranges (154 was never issued).
constexpr std::array<std::string_view, 29> kPhonePrefixes = {
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159", "180",
    "181", "182", "183", "184", "185", "186", "187", "188", "189",
};
constexpr int kPhoneSubscriberDigits = 8;

constexpr std::array<std::string_view, 10> kVolunteerHospitals = {
    "华中科技大学同济医学院附属协和医院",
    "华中科技大学同济医学院附属同济医院",
    "武汉大学人民医院",
    "武汉大学中南医院",
    "武汉市中心医院",
    "武汉市第一医院",
    "武汉市第三医院",
    "武汉市汉口医院",
    "武汉市金银潭医院",
    "湖北省中医院",
};

std::string_view SexCharacter(Random& random, Sex sex) {
  return sex == Sex::kMale ? random.Pick<std::string_view>(kMaleCharacters)
                           : random.Pick<std::string_view>(kFemaleCharacters);
}

}  // namespace

std::string_view DrawSurname(Random& random) {
  return kSurnames[random.Weighted<int>(kSurnameWeights)].surname;
}

std::string DrawFullName(Random& random, std::string_view surname, Sex sex) {
  std::string name(surname);
  if (random.ChancePerMille(kSingleCharacterNamePerMille)) {
    name += SexCharacter(random, sex);
    return name;
  }
  name += random.ChancePerMille(kSharedFirstCharacterPerMille)
              ? random.Pick<std::string_view>(kSharedCharacters)
              : SexCharacter(random, sex);
  name += SexCharacter(random, sex);
  return name;
}

std::string PhoneBook::Draw(Random& random) {
  constexpr std::uint64_t kDecimalBase = 10;
  for (;;) {
    std::string phone(random.Pick<std::string_view>(kPhonePrefixes));
    for (int digit = 0; digit < kPhoneSubscriberDigits; ++digit) {
      phone.push_back(static_cast<char>('0' + random.Below(kDecimalBase)));
    }
    // A repeat is rare (a few thousand numbers among ~2.9 billion); draw again from the
    // same stream so the result stays deterministic.
    if (issued_.insert(phone).second) return phone;
  }
}

std::string_view DrawVolunteerHospital(Random& random) {
  return random.Pick<std::string_view>(kVolunteerHospitals);
}

}  // namespace lifeline::scenario
