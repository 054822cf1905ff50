"""Official PDF documents (申报书, 目录, 成交通知书, 合同, 验收证书, 绩效评价报告): rendering, issuance records
and public verification."""
