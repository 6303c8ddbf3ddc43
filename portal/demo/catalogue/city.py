"""The invented city itself: its name, districts and streets, and the home page's welcome."""

CITY = "青川市"
CITY_EN = "Qingchuan"

# Districts and counties whose offices appear at --scale above 1 (pinyin for the slugs).
DISTRICTS = [
    ("东湖区", "donghu"),
    ("西岭区", "xiling"),
    ("南浦区", "nanpu"),
    ("北塘区", "beitang"),
    ("江滨区", "jiangbin"),
    ("云台区", "yuntai"),
    ("临溪县", "linxi"),
    ("青山县", "qingshan"),
    ("白沙县", "baisha"),
    ("石门县", "shimen"),
]
STREETS = ["青川大道", "滨江路", "人民路", "解放路", "府前街", "新华路", "锦江路", "文昌路"]
HOME_INTRO = (
    "<p>欢迎访问青川市政府绩效公开平台。这里公开市政府年度目标、各部门承担的任务和指标、"
    "每月进展（红黄绿灯）和部门绩效评价结果，所有数据均可下载。</p>"
)
HOME_INTRO_EN = (
    "<p>Welcome to the Qingchuan government performance portal. It publishes the city's annual "
    "goals, the tasks and indicators of every department, monthly progress (red, yellow and "
    "green lights) and department evaluations; every figure can be downloaded.</p>"
)
HOME_NOTICE = "演示数据：青川市及其部门、人员和数据均为虚构。"
