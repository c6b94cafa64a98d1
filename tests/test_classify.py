"""Which attachment each file of an application is (docprep.rules.classify): a table of real-looking file names
(spaces, full-width digits, mixed ASCII, folders) with the kind and the years each is taken as, the content of
files whose name says nothing, the years of a continuing-education proof, and the patterns as profile data."""
from __future__ import annotations

import pytest

from docprep.profiles import load_profile
from docprep.rules.classify import Classification, classify, kind_by_name, name_years, text_years

ZJ = load_profile("zj-2021")
BASE = load_profile("base")
CE = "continuing-education"


def of(name: str, text: str | None = None, profile=ZJ) -> Classification:
    return classify(name, text, profile.section("pdf").kinds, profile.section("app"))


# --- by name ----------------------------------------------------------------------------------------------------

NAMES = [
    # the ID photo: its words, else a JPEG that nothing else names
    ("证件照.jpg", "photo", ()),
    ("张伟 1寸照片.JPG", "photo", ()),
    ("２寸蓝底.jpeg", "photo", ()),  # full-width ２ folds to 2
    ("zhangwei_证件照 (2).jpg", "photo", ()),
    ("ＰＨＯＴＯ.png", "photo", ()),
    ("IMG_20210301_093012.jpg", "photo", ()),  # no keyword: a JPEG is the photo; 20210301 is no year
    ("身份证照片.jpg", "id-card", ()),  # the [pdf.kinds] hints come before the photo's words
    # continuing education, and the years each proof covers
    ("继续教育学时证明2020.pdf", CE, (2020,)),
    ("2019年度继续教育.pdf", CE, (2019,)),
    ("继续教育２０１８年.pdf", CE, (2018,)),
    ("继续教育2017-2020.pdf", CE, (2017, 2018, 2019, 2020)),
    ("继续教育 2019、2020.pdf", CE, (2019, 2020)),
    ("学时证明（2016～2017）.pdf", CE, (2016, 2017)),
    ("继续教育2018至2019年.pdf", CE, (2018, 2019)),
    ("CE_继续教育_2020 (1).pdf", CE, (2020,)),
    ("继续教育2019-2020年度（专业科目）.pdf", CE, (2019, 2020)),
    ("继续教育 2020.1-2020.12.pdf", CE, (2020,)),  # months of one year
    ("继续教育证明 打印于2021.03.15.pdf", CE, ()),  # a whole date is when it was printed, no year covered
    ("继续教育证明20200315.pdf", CE, ()),  # eight digits are no year
    ("继续教育/2019.pdf", CE, (2019,)),  # the folder names the kind, the file the year
    ("2020\\继续教育证明.pdf", CE, (2020,)),  # Windows separators; the year from the folder
    # forms and statements
    ("事业单位人员职称申报岗位信息表.pdf", "post-form", ()),
    ("岗位信息表（盖章） final.pdf", "post-form", ()),
    ("单位说明-非在编.pdf", "unit-statement", ()),
    ("破格申报审批表.pdf", "exceptional-form", ()),
    ("述职报告.pdf", "self-report", ()),
    ("个人述职.txt", "self-report", ()),
    # degrees and their verification
    ("毕业证.pdf", "diploma", ()),
    ("本科毕业证书 扫描.pdf", "diploma", ()),
    ("学历证明.pdf", "diploma", ()),
    ("学位证书.pdf", "degree", ()),
    ("毕业生就业登记表.pdf", "employment-registration", ()),
    ("学历学位认证书.pdf", "degree-verification", ()),
    ("国外学历认证书 2015.pdf", "degree-verification", ()),
    ("教育部学历证书电子注册备案表.pdf", "xuexin", ()),
    ("中国高等教育学历认证报告.pdf", "xuexin", ()),
    # appointment and the rest
    ("聘书.pdf", "appointment", ()),
    ("助理工程师聘任书 2016.pdf", "appointment", ()),  # a year in a name matters only for yearly kinds
    ("工程师职称证书.pdf", "title-certificate", ()),
    ("获奖证书-2019.pdf", "award", ()),
    ("SCI论文 2020.pdf", "thesis", ()),
    ("学位论文.pdf", "thesis", ()),
    # nothing fits
    ("Scan_0012.pdf", None, ()),
    ("新建 Microsoft Word 文档.pdf", None, ()),
    ("材料1.pdf", None, ()),
]


@pytest.mark.parametrize("name, kind, years", NAMES, ids=[n for n, _, _ in NAMES])
def test_a_file_name_gives_the_kind_and_years(name, kind, years):
    found = of(name)
    assert (found.kind, found.years) == (kind, years)
    assert found.source == ("name" if kind else None)


def test_the_table_is_large_enough_to_mean_something():
    assert len(NAMES) >= 30


def test_the_evidence_says_which_word_of_the_name_decided():
    found = of("继续教育 2019、2020.pdf")
    assert found.evidence.zh == "文件名含“继续教育”，识别为继续教育证明，涵盖 2019、2020 年（据文件名）"
    assert found.evidence.en == ("its name holds '继续教育': taken as continuing-education (继续教育证明), covering "
                                 "2019, 2020 (from its name)")
    assert of("继续教育/2019.pdf").evidence.zh == "所在文件夹“继续教育”含“继续教育”，识别为继续教育证明，涵盖 2019 年（据文件名）"
    assert of("2019/继续教育.pdf").evidence.en.endswith("covering 2019 (from its folder's name)")
    assert of("继续教育证明.pdf").evidence.zh.endswith("但文件名和首页文字都没有写明年份")
    assert of("IMG_0001.jpg").evidence.en == ("a jpg image whose name and text hold no attachment keyword: taken as "
                                              "photo (证件照)")
    assert of("Scan_0012.pdf").evidence.zh == "文件名不含任何一类材料的关键词，也没有可读的文字"
    assert of("Scan_0012.pdf", "第一页").evidence.zh == "文件名和首页文字都不含任何一类材料的关键词或标题"


# --- by content -------------------------------------------------------------------------------------------------

CONTENT = [
    ("scan001.pdf", "事业单位人员职称申报岗位信息表\n姓名 张伟 继续教育 完成 聘任 时间", "post-form", ()),
    ("扫描全能王 2021-03-01 10.22.pdf", "普 通 高 等 学 校\n毕 业 证 书\n浙江大学继续教育学院", "diploma", ()),
    ("scan002.pdf", "浙江省专业技术人员继续教育学时证明\n学习年度：2020\n打印日期 2021年3月5日", CE, (2020,)),
    ("scan003.pdf", "继续教育学时证明 2018年度 专业科目 60 2019年度 公需科目 30", CE, (2018, 2019)),
    ("scan004.pdf", "２０１９、２０２０年度继续教育证书", CE, (2019, 2020)),
    ("scan005.pdf", "继续教育证明 打印时间 2021年3月", CE, ()),  # 2021年3月 is a date: no year
    ("2019.pdf", "继续教育证书 2020年度", CE, (2019,)),  # the name's year first
    ("IMG_0002.jpg", "毕业生就业登记表", "employment-registration", ()),  # OCR of an image, before its type
    ("doc.pdf", "兹聘任张伟同志为工程师 聘任书", "appointment", ()),
    ("doc2.pdf", "学历学位认证书 经认证……学信网", "degree-verification", ()),
    ("doc3.pdf", "关于张伟同志的单位说明", "unit-statement", ()),
    ("doc4.pdf", "某某大学 学士学位证书", "degree", ()),
]


@pytest.mark.parametrize("name, text, kind, years", CONTENT, ids=[n for n, _, _, _ in CONTENT])
def test_where_the_name_says_nothing_the_first_pages_text_decides(name, text, kind, years):
    found = of(name, text)
    assert (found.kind, found.years, found.source) == (kind, years, "content")


def test_the_name_decides_before_the_content():
    found = of("聘书.pdf", "继续教育学时证明 2020年度")
    assert (found.kind, found.source) == ("appointment", "name")
    assert of("scan.pdf", "继续教育证明").evidence.zh == ("首页文字含“继续教育”，识别为继续教育证明，但文件名和首页文字都没有"
                                                   "写明年份")


def test_text_that_holds_no_title_phrase_fits_nothing():
    assert of("scan.pdf", "兹证明张伟同志在我单位工作").kind is None
    assert of("scan.pdf", "").kind is None


# --- years ------------------------------------------------------------------------------------------------------

RANGES = ZJ.section("app").attachments.year_ranges
WORDS = ZJ.section("app").attachments.year_words


@pytest.mark.parametrize("name, years", [
    ("1999-2001", (1999, 2000, 2001)),
    ("2020-2019", (2019, 2020)),  # backwards: the two years, no range
    ("2017—2018", (2017, 2018)),
    ("2017到2019", (2017, 2018, 2019)),
    ("1899 2100", ()),  # 19xx and 20xx only
    ("2021-03-15", ()), ("2021年3月15日", ()), ("20190101", ()), ("12020", ()),
    ("2020年", (2020,)), ("2020.12", (2020,)),
])
def test_years_of_a_name(name, years):
    assert name_years(name, RANGES) == years


@pytest.mark.parametrize("text, years", [
    ("2020年度", (2020,)), ("年度：2020", (2020,)), ("年度 : 2019-2020", (2019, 2020)),
    ("2020年参加培训", (2020,)), ("2021年3月", ()), ("2020 专业科目", ()), ("2018年和2019年度", (2018, 2019)),
])
def test_years_of_a_text_need_a_year_word(text, years):
    assert text_years(text, WORDS, RANGES) == years


# --- profile data -----------------------------------------------------------------------------------------------

def test_the_neutral_base_recognises_nothing():
    assert of("继续教育2020.pdf", profile=BASE).kind is None
    assert of("证件照.jpg", "毕业证书", profile=BASE).kind is None


def test_patterns_are_profile_data(tmp_path):
    path = tmp_path / "own.toml"
    path.write_text('extends = "zj-2021"\n[pdf.kinds]\nname_hints = ["cert=diploma"]\n[app.attachments]\n'
                    'photo_names = ["头像"]\nphoto_extensions = []\ntitle_phrases = ["Certificate=degree"]\n'
                    'year_words = ["session"]\nrequires = ["diploma per year"]\n', encoding="utf-8")
    own = load_profile(path)
    assert of("头像.jpg", profile=own).kind == "photo"
    assert of("IMG_1.jpg", profile=own).kind is None  # no photo extensions: a nameless JPEG is nothing
    assert of("继续教育.pdf", profile=own).kind is None
    assert (of("Cert 2019.pdf", profile=own).kind, of("Cert 2019.pdf", profile=own).years) == ("diploma", (2019,))
    assert of("x.pdf", "CERTIFICATE of 2018 session", profile=own).kind == "degree"
    assert of("cert.pdf", "printed 2021, the 2018 session", profile=own).years == (2018,)


@pytest.mark.parametrize("name, kind", [
    ("2019继续教育学时证明.pdf", "continuing-education"), ("继续教育/2019.pdf", "continuing-education"),
    ("证件照.jpg", "photo"), ("scan001.pdf", None), ("材料/scan001.pdf", None)])
def test_the_kind_a_name_says_is_the_one_classify_takes_from_it(name, kind):
    """kind_by_name (whether a scan's title must be read) agrees with classify on names and folders, and says
    nothing where only the content could: the title a scan holds is not its name."""
    kinds, app = ZJ.section("pdf").kinds, ZJ.section("app")
    assert kind_by_name(name, kinds, app) == kind
    assert classify(name, None, kinds, app).kind == kind
    assert kind_by_name("scan001.pdf", kinds, app) is None
    assert classify("scan001.pdf", "继续教育学时证明 2019年度", kinds, app).kind == "continuing-education"
