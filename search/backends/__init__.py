"""Search backends of the project: the database backend with Russian morphology on
every database (`search.backends.database`) and Elasticsearch 8/9 with the Russian
analyzer, field boosts and the domain synonyms (`search.backends.elasticsearch`)."""
