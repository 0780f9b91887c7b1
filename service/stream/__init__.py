"""The shared stream kernel: what every consumer's service builds on.

Records and their partitions, the unit of work and its store errors, the retry policy, the clock
and offset spans. Nothing here knows a consumer: customers, payments and the ones to come each
have their own package beside this one.
"""
