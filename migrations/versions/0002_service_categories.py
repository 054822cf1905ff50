"""service categories: the default three-level tree

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# code, name, English name; the parent is the code without its last two characters.
TREE = [
    ("A", "公共服务", "Public services"),
    ("A01", "社会服务", "Social services"),
    ("A0101", "养老服务", "Elderly care"),
    ("A0102", "儿童关爱服务", "Child care and protection"),
    ("A0103", "残疾人服务", "Services for people with disabilities"),
    ("A0104", "社会救助服务", "Social assistance"),
    ("A02", "社区治理服务", "Community governance"),
    ("A0201", "居民议事协商", "Resident deliberation"),
    ("A0202", "社区志愿服务", "Community volunteering"),
    ("A0203", "邻里互助与睦邻活动", "Neighbourhood mutual aid"),
    ("A0204", "矛盾纠纷调解", "Dispute mediation"),
    ("A03", "文化体育服务", "Culture and sport"),
    ("A0301", "社区文化活动", "Community cultural activities"),
    ("A0302", "全民健身活动", "Fitness for all"),
    ("A04", "公共安全与环境服务", "Safety and environment"),
    ("A0401", "社区安全宣传", "Community safety education"),
    ("A0402", "垃圾分类与环境整治", "Waste sorting and environment"),
    ("A05", "健康服务", "Health services"),
    ("A0501", "健康教育与义诊", "Health education and free clinics"),
    ("A0502", "心理健康服务", "Mental health services"),
    ("B", "政府履职所需辅助性服务", "Auxiliary services for government duties"),
    ("B01", "评估服务", "Evaluation services"),
    ("B0101", "第三方验收与绩效评价", "Third-party acceptance and evaluation"),
    ("B02", "社会工作专业支持", "Professional social-work support"),
    ("B0201", "社区工作者培训", "Community worker training"),
    ("B0202", "社区社会组织培育", "Incubating community organisations"),
]

categories = sa.table(
    "categories",
    sa.column("code", sa.String), sa.column("name", sa.String), sa.column("name_en", sa.String),
    sa.column("parent_code", sa.String), sa.column("position", sa.Integer),
)


def upgrade():
    op.bulk_insert(categories, [
        {"code": code, "name": name, "name_en": name_en, "parent_code": code[:-2] if len(code) > 1 else None,
         "position": position}
        for position, (code, name, name_en) in enumerate(TREE)
    ])


def downgrade():
    op.execute(categories.delete())
