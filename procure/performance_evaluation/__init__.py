"""Performance evaluation (绩效评价): indicator templates, independent scorers, divergence, grade and its
consequences (final payment, rectification plan, debarment), and providers' track records."""
