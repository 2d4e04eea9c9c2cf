// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace runlens {

/**
 * Where MLflow's file store and SQL store evaluate a search differently, each is matched:
 * FileStore follows mlflow/utils/search_utils.py (Python comparisons, LIKE turned into a regex),
 * Sql follows mlflow/store/tracking/sqlalchemy_store.py on SQLite (stored values, SQL LIKE).
 */
enum class SearchDialect
{
    FileStore,
    Sql
};

} // namespace runlens
