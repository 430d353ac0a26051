// Quiet TensorFlow's C++ logging for the whole run (set before the library loads).
module.exports = async () => {
  if (process.env.TF_CPP_MIN_LOG_LEVEL === undefined) process.env.TF_CPP_MIN_LOG_LEVEL = '2';
};
